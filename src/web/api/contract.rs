//! What the OpenAPI document must say about every JSON operation that the
//! handlers' `#[utoipa::path]` annotations cannot say one by one: where query
//! parameters live, and the answers the shared extractors give before a handler
//! runs (a missing token, a malformed body, a bad path or query). Found by
//! fuzzing the API with schemathesis against the document (tests/api_fuzz.rs).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, RefOr, Required, ResponseBuilder};

/// Completes the document of the JSON API (`/api/…`) in place.
pub fn complete(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") && !path.starts_with("/open311/") {
            continue;
        }
        let json_api = path.starts_with("/api/v1/");
        for op in [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten() {
            move_parameters_to_the_query(path, op);
            if json_api {
                document_extractor_answers(path, op);
            }
        }
    }
}

/// A struct deriving `IntoParams` lists its fields as path parameters unless told
/// otherwise (utoipa's default), but every such struct of ours is read with
/// `ApiQuery`/`Query`: a parameter that is not in the path template is a query
/// parameter. A query string cannot carry a JSON null, so an `Option` field is an
/// optional parameter of the plain type.
fn move_parameters_to_the_query(path: &str, op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        if p.parameter_in != ParameterIn::Path || path.contains(&format!("{{{}}}", p.name)) {
            continue;
        }
        p.parameter_in = ParameterIn::Query;
        let mut optional = false;
        if let Some(RefOr::T(Schema::Object(object))) = &mut p.schema
            && let SchemaType::Array(types) = &object.schema_type
            && types.contains(&Type::Null)
        {
            optional = true;
            let types: Vec<Type> = types.iter().filter(|t| **t != Type::Null).cloned().collect();
            object.schema_type = match types.as_slice() {
                [one] => SchemaType::Type(one.clone()),
                _ => SchemaType::Array(types),
            };
        }
        p.required = if optional { Required::False } else { Required::True };
    }
}

/// Adds, where a handler's annotation does not list it already, each error
/// answer that the shared extractors (`web::extract`) give for every operation
/// of a kind, all in the `ErrorBody` format.
fn document_extractor_answers(path: &str, op: &mut Operation) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_parameters = op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || path.contains('{');
    let has_query = op.parameters.iter().flatten().any(|p| p.parameter_in == ParameterIn::Query);
    let json_body = op.request_body.as_ref().is_some_and(|b| b.content.contains_key("application/json"));
    let mut add = |status: &str, description: &str| {
        op.responses.responses.entry(status.to_string()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
                    .build(),
            )
        });
    };
    if secured {
        add("401", "no bearer token, or one that is unknown, expired or revoked");
    }
    if has_parameters || json_body {
        add("400", "a path or query parameter of the wrong type, or a body that is not JSON");
    }
    if path.contains('{') {
        add("404", "no such record");
    }
    if has_query {
        // filters are checked by the use cases, which name the one they do not understand
        add("422", "a query parameter that is not understood (an unknown state, kind or date)");
    }
    if json_body {
        add("413", "the body is larger than the server accepts");
        add("415", "the body is not sent as Content-Type: application/json");
        add("422", "a field of the body is missing, of the wrong type or refused");
    }
}
