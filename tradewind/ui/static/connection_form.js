// The connections form: show the fields of the chosen type (labels, placeholders, its extra fields)
// and test the connection as filled in. Types come from the server (tradewind.providers.registry).
(function () {
  "use strict";

  var form = document.getElementById("connection-form");
  if (!form) return;
  var types = {};
  JSON.parse(form.dataset.connTypes || "[]").forEach(function (t) { types[t.conn_type] = t; });
  var select = form.querySelector("select[name=conn_type]");
  var other = form.querySelector("[data-other-type]");
  var extraBox = form.querySelector("[data-extra-fields]");
  var testButton = form.querySelector("[data-test-connection]");
  var result = form.querySelector("[data-test-result]");
  var STANDARD = ["host", "schema", "login", "password", "port", "extra"];
  var defaults = {};
  STANDARD.forEach(function (name) {
    var label = form.querySelector('[data-field="' + name + '"]');
    defaults[name] = label.querySelector("span").textContent;
  });

  function field(fields, name) {
    for (var i = 0; i < fields.length; i++) if (fields[i].name === name) return fields[i];
    return null;
  }

  function showType() {
    var type = types[select.value];
    var fields = type ? type.fields : null;
    other.hidden = select.value !== "__other__";
    other.querySelector("input").required = !other.hidden;
    STANDARD.forEach(function (name) {
      var label = form.querySelector('[data-field="' + name + '"]');
      var input = label.querySelector("input, textarea");
      var spec = fields ? field(fields, name) : null;
      label.hidden = Boolean(fields) && !spec;
      label.querySelector("span").textContent = spec ? spec.label : defaults[name];
      input.placeholder = spec ? spec.placeholder : "";
      input.required = Boolean(spec && spec.required);
    });
    extraBox.textContent = "";
    (fields || []).forEach(function (spec) {
      if (spec.name.indexOf("extra__") !== 0) return;
      var label = document.createElement("label");
      label.appendChild(document.createTextNode(spec.label + " "));
      var input = document.createElement("input");
      input.name = spec.name;
      input.placeholder = spec.placeholder;
      input.required = spec.required;
      label.appendChild(input);
      extraBox.appendChild(label);
    });
    testButton.hidden = !(type && type.testable);
    result.textContent = "";
  }

  testButton.addEventListener("click", function () {
    result.textContent = "Testing…";
    fetch(form.dataset.testUrl, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: {"Accept": "application/json"}
    })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        result.textContent = (data.ok ? "OK: " : "Failed: ") + (data.message || data.detail || "");
        result.dataset.ok = data.ok ? "true" : "false";
      })
      .catch(function (err) { result.textContent = "Failed: " + err; result.dataset.ok = "false"; });
  });

  select.addEventListener("change", showType);
  showType();
})();
