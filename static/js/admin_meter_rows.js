/* Loaded in the page head by the component inline's Media, so it waits for the form.
   Choosing a reality-meter component fills in its default weight (carried on each
   option as data-default-weight) unless the editor has typed a weight of their own. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var group = document.getElementById("component_scores-group");
  if (!group) {
    return;
  }
  group.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[name$='-component']")) {
      return;
    }
    var weight = document.getElementById(select.id.replace(/-component$/, "-weight"));
    var option = select.options[select.selectedIndex];
    if (!weight || !option || !option.dataset.defaultWeight) {
      return;
    }
    if (weight.value === "" || weight.dataset.filled === weight.value) {
      weight.value = option.dataset.defaultWeight;
      weight.dataset.filled = weight.value;
    }
  });
});
