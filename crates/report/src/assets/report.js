// Filters for the report tables: by status, framework, group and free text. No network, no storage.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.item"));
  var framework = document.getElementById("f-framework");
  var group = document.getElementById("f-group");
  var text = document.getElementById("f-text");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input.f-status"));
  var count = document.getElementById("count");
  function apply() {
    var statuses = {};
    boxes.forEach(function (b) { statuses[b.value] = b.checked; });
    var fw = framework ? framework.value : "";
    var gr = group ? group.value : "";
    var q = text ? text.value.trim().toLowerCase() : "";
    var shown = 0;
    rows.forEach(function (r) {
      var ok = statuses[r.dataset.status] !== false &&
        (!fw || r.dataset.framework === fw) &&
        (!gr || r.dataset.group === gr) &&
        (!q || r.textContent.toLowerCase().indexOf(q) !== -1);
      r.hidden = !ok;
      if (ok) { shown += 1; }
    });
    if (count) { count.textContent = shown + " of " + rows.length + " shown"; }
  }
  if (framework && group) {
    framework.addEventListener("change", function () {
      Array.prototype.forEach.call(group.options, function (o) {
        o.hidden = !!(o.value && framework.value && o.dataset.framework !== framework.value);
      });
      if (group.selectedOptions.length && group.selectedOptions[0].hidden) { group.value = ""; }
    });
  }
  [framework, group, text].concat(boxes).forEach(function (el) {
    if (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); }
  });
  apply();
})();
