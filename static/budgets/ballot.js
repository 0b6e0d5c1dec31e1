// The budget ballot's running total while choosing. The server counts again on every
// submit, so the page works the same without this script. Amounts are written as the
// server writes them (budgets.money.euros): "€ 12.300", cents only when there are any.
(function () {
  "use strict";
  var form = document.querySelector("[data-budget-ballot]");
  if (!form) { return; }
  var budget = parseFloat(form.getAttribute("data-budget"));
  var total = document.getElementById("ballot-total");
  var left = document.getElementById("ballot-left");
  var leftLine = document.getElementById("ballot-left-line");
  var overBy = document.getElementById("ballot-over-by");
  var overLine = document.getElementById("ballot-over-line");
  var over = document.getElementById("ballot-over");
  var lang = document.documentElement.lang || "nl";
  function euros(amount) {
    var cents = Math.round(amount * 100) % 100 !== 0;
    return "\u20ac\u00a0" + new Intl.NumberFormat(lang, {
      minimumFractionDigits: cents ? 2 : 0, maximumFractionDigits: cents ? 2 : 0,
      useGrouping: "always"
    }).format(amount);
  }
  function recount() {
    var sum = 0;
    form.querySelectorAll("input[data-cost]").forEach(function (box) {
      if (box.checked) { sum += parseFloat(box.getAttribute("data-cost")); }
    });
    var isOver = sum > budget;
    total.textContent = euros(sum);
    left.textContent = euros(budget - sum);
    overBy.textContent = euros(sum - budget);
    leftLine.hidden = isOver;
    overLine.hidden = !isOver;
    over.hidden = !isOver;
  }
  form.addEventListener("change", recount);
}());
