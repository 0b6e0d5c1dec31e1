// "Is it solved?": with JavaScript, only the reasons that go with the chosen answer are
// shown (and ticks under another answer are cleared). Without it every group is shown
// and the server refuses reasons of another answer.
(function () {
  "use strict";
  var form = document.querySelector("[data-feedback-form]");
  if (!form) return;
  var groups = form.querySelectorAll("fieldset[data-answer]");
  function update() {
    var chosen = form.querySelector("input[name=solved]:checked");
    groups.forEach(function (group) {
      var show = !chosen || group.getAttribute("data-answer") === chosen.value;
      group.hidden = !show;
      if (!show) {
        group.querySelectorAll("input[type=checkbox]").forEach(function (box) {
          box.checked = false;
        });
      }
    });
  }
  form.querySelectorAll("input[name=solved]").forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
