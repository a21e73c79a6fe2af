//! Every route of the application, registered once; the OpenAPI document is
//! generated from these same registrations, so the two cannot drift.

use axum::http::{HeaderValue, header};
use axum::routing::get;
use axum::{Router, middleware};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::api::{admin, auth, meta, registry, workorders as wo};
use super::{AppState, MAX_BODY_BYTES, REQUEST_TIMEOUT, error, metrics, pages};

#[derive(OpenApi)]
#[openapi(
    info(title = "zonedesk — 开发区复工复产服务平台", description = "The JSON API of the zone's enterprise-service desk. Errors answer {\"error\":{\"code\",\"message\"}}."),
    modifiers(&BearerAuth),
    tags((name = "auth"), (name = "registry"), (name = "work-orders"), (name = "officers"), (name = "notifications"), (name = "open311", description = "Open311 GeoReport v2"), (name = "resumption", description = "复工复产, green list, commitments"), (name = "reports", description = "dashboard and daily briefing"), (name = "admin"), (name = "meta"), (name = "pages", description = "server-rendered HTML pages"))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// The router and the OpenAPI document of every route in it.
pub fn build(state: AppState) -> (Router, utoipa::openapi::OpenApi) {
    let api = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::issue_token, auth::revoke_token))
        .routes(routes!(auth::show_me))
        .routes(routes!(registry::list_enterprises, registry::create_enterprise))
        .routes(routes!(registry::show_enterprise, registry::update_enterprise, registry::delete_enterprise))
        .routes(routes!(registry::list_townships, registry::create_township))
        .routes(routes!(registry::show_township, registry::update_township, registry::delete_township))
        .routes(routes!(registry::list_departments, registry::create_department))
        .routes(routes!(registry::show_department, registry::update_department, registry::delete_department))
        .routes(routes!(registry::list_cadres, registry::create_cadre))
        .routes(routes!(registry::show_cadre, registry::update_cadre, registry::delete_cadre))
        .routes(routes!(registry::list_assignments, registry::assign_officer))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::disable_user))
        .routes(routes!(admin::enable_user))
        .routes(routes!(admin::list_audit_entries))
        .routes(routes!(admin::verify_audit_chain))
        .routes(routes!(admin::revoke_user_sessions))
        .routes(routes!(wo::list_work_orders, wo::file_work_order))
        .routes(routes!(wo::show_work_order))
        .routes(routes!(wo::transition_work_order))
        .routes(routes!(wo::list_categories))
        .routes(routes!(wo::update_category))
        .routes(routes!(wo::list_templates))
        .routes(routes!(wo::list_supervised))
        .routes(routes!(wo::run_sweep))
        .routes(routes!(wo::show_rates))
        .routes(routes!(wo::show_league))
        .routes(routes!(wo::list_visits, wo::record_visit))
        .routes(routes!(wo::list_officers))
        .routes(routes!(wo::show_coverage))
        .routes(routes!(wo::show_officer_desk))
        .routes(routes!(wo::end_assignment))
        .routes(routes!(wo::list_notifications))
        .routes(routes!(wo::read_notification))
        .routes(routes!(wo::read_all_notifications))
        .routes(routes!(meta::healthz))
        .merge(super::open311::routes())
        // capabilities that register their own API routes: one `.merge(…::routes())` line each
        .merge(super::api::inspections::routes())
        .merge(super::api::employment::routes())
        .merge(super::api::resumption::routes())
        .merge(super::api::reports::routes())
        .merge(super::api::projects::routes())
        .merge(super::api::investment::routes())
        .merge(super::api::policies::routes())
        .merge(super::api::tutoring::routes())
        .merge(super::api::isolation::routes())
        .merge(super::api::exchange::routes())
        .routes(routes!(meta::metrics));

    let page_routes = OpenApiRouter::new()
        .routes(routes!(pages::auth::login_page, pages::auth::log_in))
        .routes(routes!(pages::auth::log_out))
        .routes(routes!(pages::auth::switch_language))
        .routes(routes!(pages::home::home))
        .routes(routes!(pages::enterprises::list_enterprises, pages::enterprises::create_enterprise))
        .routes(routes!(pages::enterprises::new_enterprise))
        .routes(routes!(pages::enterprises::show_enterprise, pages::enterprises::update_enterprise))
        .routes(routes!(pages::enterprises::edit_enterprise))
        .routes(routes!(pages::enterprises::confirm_delete_enterprise, pages::enterprises::delete_enterprise))
        .routes(routes!(pages::reference::list_townships, pages::reference::create_township))
        .routes(routes!(pages::reference::confirm_delete_township, pages::reference::delete_township))
        .routes(routes!(pages::reference::list_departments, pages::reference::create_department))
        .routes(routes!(pages::reference::confirm_delete_department, pages::reference::delete_department))
        .routes(routes!(pages::reference::list_cadres, pages::reference::create_cadre))
        .routes(routes!(pages::reference::edit_township))
        .routes(routes!(pages::reference::update_township))
        .routes(routes!(pages::reference::edit_department))
        .routes(routes!(pages::reference::update_department))
        .routes(routes!(pages::reference::show_cadre, pages::reference::update_cadre))
        .routes(routes!(pages::reference::edit_cadre))
        .routes(routes!(pages::reference::confirm_delete_cadre, pages::reference::delete_cadre))
        .routes(routes!(pages::admin::list_users, pages::admin::create_user))
        .routes(routes!(pages::admin::toggle_user))
        .routes(routes!(pages::admin::list_audit_entries))
        .routes(routes!(pages::workorders::list_work_orders, pages::workorders::file_work_order))
        .routes(routes!(pages::workorders::new_work_order))
        .routes(routes!(pages::workorders::show_work_order))
        .routes(routes!(pages::workorders::act_on_work_order))
        .routes(routes!(pages::supervision::supervision_page))
        .routes(routes!(pages::supervision::rates_page))
        .routes(routes!(pages::supervision::league_page))
        .routes(routes!(pages::supervision::list_categories))
        .routes(routes!(pages::supervision::update_category))
        .routes(routes!(pages::officers::officers_page))
        .routes(routes!(pages::officers::history_page, pages::officers::create_assignment))
        .routes(routes!(pages::officers::new_assignment))
        .routes(routes!(pages::officers::confirm_end_assignment, pages::officers::end_assignment))
        .routes(routes!(pages::officers::desk_page))
        .routes(routes!(pages::officers::visits_page, pages::officers::record_visit))
        .routes(routes!(pages::officers::new_visit))
        .routes(routes!(pages::notifications::notifications_page))
        .routes(routes!(pages::notifications::read_notification))
        .routes(routes!(pages::notifications::read_all))
        .routes(routes!(pages::assets::stylesheet))
        .routes(routes!(pages::assets::script))
        // capabilities that register their own pages: one `.merge(…::routes())` line each
        .merge(pages::inspections::routes())
        .merge(pages::employment::routes())
        .merge(pages::resumption::routes())
        .merge(pages::tutoring::routes())
        .merge(pages::isolation::routes())
        .merge(pages::reports::routes())
        .merge(pages::projects::routes())
        .merge(pages::investment::routes())
        .merge(pages::policies::routes())
        .merge(pages::exchange::routes())
        // inside the error pages, so that a list that refuses its export shows why
        .layer(middleware::from_fn_with_state(state.clone(), pages::list_export::export_list_pages))
        .layer(middleware::from_fn_with_state(state.clone(), error::render_page_errors));

    let (router, mut doc) = api.merge(page_routes).split_for_parts();
    doc.paths.paths.insert("/api/openapi.json".into(), openapi_path_item());
    super::api::contract::complete(&mut doc);
    // Serialised once and shared: axum clones the router for every connection,
    // and a `serde_json::Value` captured here was deep-copied each time (7 MB a
    // connection, 100 MB of the server's memory under 16 connections).
    let doc_json = axum::body::Bytes::from(serde_json::to_vec(&doc).unwrap_or_default());

    let router = router
        .route("/api/openapi.json", get(move || async move { ([(header::CONTENT_TYPE, "application/json")], doc_json.clone()) }))
        .fallback(error::not_found)
        // innermost, so that a panic's 500 is counted and carries the headers below
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::record))
        .layer(middleware::from_fn_with_state(REQUEST_TIMEOUT, super::time_limit))
        .layer(middleware::from_fn_with_state(MAX_BODY_BYTES, super::api::exchange::limit_request_bodies))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .with_state(state);
    (router, doc)
}

/// The document describes itself too, so that it lists every route there is.
fn openapi_path_item() -> utoipa::openapi::PathItem {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder};
    use utoipa::openapi::{ContentBuilder, ResponseBuilder};
    let op = OperationBuilder::new()
        .tag("meta")
        .summary(Some("This OpenAPI 3 document"))
        .response("200", ResponseBuilder::new().description("the document").content("application/json", ContentBuilder::new().build()).build())
        .build();
    utoipa::openapi::PathItem::new(HttpMethod::Get, op)
}

/// The OpenAPI document alone (for `zonedesk openapi` and tests).
pub fn openapi(state: AppState) -> utoipa::openapi::OpenApi {
    build(state).1
}
