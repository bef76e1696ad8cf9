// Measures the page's tap targets against WCAG 2.2 2.5.8 (Target Size,
// Minimum) and the site's own rule for primary actions. Evaluated in the
// page by a11y_test.go; returns a list of findings, each
// {rule, element, detail}.
//
// Targets: a[href], button, input (not hidden), select, textarea, summary,
// and a label whose control is a checkbox or radio (tapping the label
// toggles it). Not counted: what is not shown (hidden, in a closed
// <details>, transparent, inert) or is visually hidden (1 px or less, or
// off the page: a skip link until it has focus).
//
// target-size (24 x 24 CSS px) passes when the box is at least 24 x 24, or
// by one of the success criterion's exceptions:
//   - spacing: a 24 px circle centred on the target touches no other
//     target, nor the circle of another undersized target;
//   - inline: a link in a line of other text (its height is the text's);
//   - equivalent: a checkbox or radio whose label passes.
//
// primary-action-height (44 CSS px tall): every element of class "button",
// and the submit button of every form with a field to fill in (text,
// textarea, select, file...): the action a form exists for.
(() => {
  const MIN = 24, PRIMARY = 44, EPS = 0.5;
  const docW = document.documentElement.scrollWidth;
  const docH = document.documentElement.scrollHeight;

  const rendered = (el) => {
    // The content of a closed <details> keeps its boxes in Chromium
    // (content-visibility: hidden); checkVisibility knows it is not shown.
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true, contentVisibilityAuto: true })) return null;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return null;
    const x = r.left + scrollX, y = r.top + scrollY;
    if (x + r.width <= 0 || y + r.height <= 0 || x >= docW || y >= docH) return null;
    if (el.closest("[inert]")) return null;
    return { x, y, w: r.width, h: r.height, cx: x + r.width / 2, cy: y + r.height / 2 };
  };

  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    for (const c of el.classList) s += "." + c;
    const testid = el.getAttribute("data-testid");
    if (testid) s += `[data-testid="${testid}"]`;
    if (el.tagName === "A") s += `[href="${el.getAttribute("href")}"]`;
    if (el.tagName === "INPUT") s += `[type="${el.type}"]`;
    if (el.tagName === "LABEL" && el.htmlFor) s += `[for="${el.htmlFor}"]`;
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").replace(/\s+/g, " ").trim();
    return { selector: s, text: text.length > 30 ? text.slice(0, 29) + "…" : text };
  };

  const toggles = (el) => el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio");
  const fillable = (el) =>
    el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
    (el.tagName === "INPUT" && !["hidden", "submit", "button", "reset", "image", "checkbox", "radio"].includes(el.type));

  // An inline link whose line holds other text is sized by that text.
  const inlineInText = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
    if (!block) return false;
    const own = (el.innerText || "").trim().length;
    return (block.innerText || "").replace(/\s+/g, " ").trim().length > own + 1;
  };

  const isPrimary = (el) => {
    if (el.classList.contains("button")) return true;
    const submit = (el.tagName === "BUTTON" && (el.type === "submit")) ||
      (el.tagName === "INPUT" && el.type === "submit");
    return submit && !!el.form && [...el.form.elements].some((f) => fillable(f) && rendered(f));
  };

  const all = [...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea, summary, label")]
    .filter((el) => el.tagName !== "LABEL" || (el.control && toggles(el.control)));
  const targets = [];
  for (const el of all) {
    const box = rendered(el);
    if (box) targets.push({ el, box, small: box.w + EPS < MIN || box.h + EPS < MIN });
  }

  const labelPasses = (input) =>
    [...(input.labels || [])].some((l) => { const b = rendered(l); return b && b.w + EPS >= MIN && b.h + EPS >= MIN; });

  const distToRect = (px, py, b) => {
    const dx = Math.max(b.x - px, 0, px - (b.x + b.w));
    const dy = Math.max(b.y - py, 0, py - (b.y + b.h));
    return Math.hypot(dx, dy);
  };
  const nested = (a, b) => a.contains(b) || b.contains(a);

  const found = [];
  for (const t of targets) {
    const d = describe(t.el);
    const size = `${Math.round(t.box.w)}×${Math.round(t.box.h)}`;
    if (isPrimary(t.el) && t.box.h + EPS < PRIMARY) {
      found.push({ rule: "primary-action-height", element: d.selector, detail: `"${d.text}" is ${size} px, a primary action needs ${PRIMARY} px height` });
    }
    if (!t.small || inlineInText(t.el) || (toggles(t.el) && labelPasses(t.el))) continue;
    let crowded = null;
    for (const o of targets) {
      if (o === t || nested(o.el, t.el)) continue;
      const close = o.small
        ? Math.hypot(o.box.cx - t.box.cx, o.box.cy - t.box.cy) < MIN
        : distToRect(t.box.cx, t.box.cy, o.box) < MIN / 2;
      if (close) { crowded = o; break; }
    }
    if (crowded) {
      found.push({ rule: "target-size", element: d.selector,
        detail: `"${d.text}" is ${size} px, under ${MIN}×${MIN}, and ${describe(crowded.el).selector} is within its 24 px circle` });
    }
  }
  return found;
})()
