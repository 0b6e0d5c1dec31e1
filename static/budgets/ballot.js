// The budget ballot's running total while choosing. The server counts again on every
// submit, so the page works the same without this script.
(function () {
  "use strict";
  var form = document.querySelector("[data-budget-ballot]");
  if (!form) { return; }
  var budget = parseFloat(form.getAttribute("data-budget"));
  var total = document.getElementById("ballot-total");
  var left = document.getElementById("ballot-left");
  var over = document.getElementById("ballot-over");
  var format = new Intl.NumberFormat(document.documentElement.lang || "nl", {
    style: "currency", currency: "EUR", maximumFractionDigits: 0
  });
  function recount() {
    var sum = 0;
    form.querySelectorAll("input[data-cost]").forEach(function (box) {
      if (box.checked) { sum += parseFloat(box.getAttribute("data-cost")); }
    });
    total.textContent = format.format(sum);
    left.textContent = format.format(budget - sum);
    over.hidden = sum <= budget;
  }
  form.addEventListener("change", recount);
}());
