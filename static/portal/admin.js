// The back office's widgets that Django's admin builds in the browser get accessible
// names (WCAG 4.1.2): select2's autocomplete (its combobox and search fields carry no
// name of their own) and the help icon of the two-list filter (an aria-label on a
// span, which ARIA does not allow without a role).
"use strict";
(function () {
  function labelOf(select) {
    if (!select.id) return null;
    var label = document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (label) {
      if (!label.id) label.id = select.id + "_label";
      return { id: label.id, text: label.textContent.trim() };
    }
    var name = select.getAttribute("aria-label");
    return name ? { id: null, text: name } : null;
  }

  function nameField(element, label) {
    if (label.id) {
      element.setAttribute("aria-labelledby", label.id);
    } else {
      element.removeAttribute("aria-labelledby");
      element.setAttribute("aria-label", label.text);
    }
  }

  function nameAutocompletes(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var label = labelOf(select);
      if (!label || !container || !container.classList.contains("select2")) return;
      container.querySelectorAll('[role="combobox"]').forEach(function (combobox) {
        var shown = combobox.querySelector(".select2-selection__rendered");
        if (label.id && shown && shown.id) {
          combobox.setAttribute("aria-labelledby", label.id + " " + shown.id);
        } else {
          nameField(combobox, label);
        }
      });
      container.querySelectorAll('.select2-selection__rendered[role="textbox"]').forEach(function (shown) {
        if (label.id && shown.id) {
          shown.setAttribute("aria-labelledby", label.id + " " + shown.id);
        } else {
          shown.setAttribute("aria-label", label.text);
        }
      });
      container.querySelectorAll(".select2-search__field").forEach(function (field) {
        nameField(field, label);
      });
      if (window.django && window.django.jQuery && !select.dataset.portalNamed) {
        select.dataset.portalNamed = "1";
        window.django.jQuery(select).on("select2:open select2:select select2:unselect", function () {
          window.setTimeout(function () {
            nameAutocompletes(container.parentNode);
            document.querySelectorAll(".select2-dropdown .select2-search__field").forEach(function (field) {
              nameField(field, label);
            });
          }, 0);
        });
      }
    });
  }

  function nameHelpIcons(root) {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  function nameAll(root) {
    nameAutocompletes(root);
    nameHelpIcons(root);
  }

  // Django's autocomplete starts select2 when jQuery is ready (which may come after the
  // page's load event), the two-list filter on load: name both after each.
  window.addEventListener("load", function () {
    nameAll(document);
  });
  if (window.django && window.django.jQuery) {
    window.django.jQuery(function () {
      nameAll(document);
    });
  }
  document.addEventListener("formset:added", function (event) {
    window.setTimeout(function () {
      nameAll(event.target);
    }, 0);
  });
})();
