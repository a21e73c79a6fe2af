// Small improvements; every page works without this file.
// 1. Buttons marked data-confirm ask before submitting their form.
// 2. Response templates fill the textarea of their form when clicked.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
    return;
  }
  var template = event.target.closest("[data-template]");
  if (template) {
    var form = template.closest("form");
    var field = form && form.querySelector("textarea");
    if (field) {
      field.value = template.getAttribute("data-template");
      field.focus();
      event.preventDefault();
    }
  }
});
// 3. A print button prints the page.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
