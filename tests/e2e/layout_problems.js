// What makes a page unusable on a narrow screen, as sentences; an empty list
// when the page fits. Run by tests/e2e/test_phone_width.py through
// page.evaluate, so it may use nothing but the page itself.
//
// - the page is wider than the window (the reader would scroll sideways);
// - an element reaches past the window's right edge, unless it sits inside a
//   scroll container that a keyboard can reach (tabindex), which is allowed;
// - an element's content spills out of its own box (a long word that did not
//   break) or is cut off by it (a clipped column);
// - a box scrolls sideways but cannot be reached with the keyboard.
// Visually hidden text (1 px boxes with overflow hidden) is left out, and so
// are the insides of form controls, which scroll their own text.
() => {
  const viewport = document.documentElement.clientWidth;
  const describe = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.id) name += `#${element.id}`;
    if (element.classList.length) name += `.${[...element.classList].join(".")}`;
    const text = (element.textContent || "").trim().replace(/\s+/g, " ");
    return text ? `${name} “${text.length > 60 ? `${text.slice(0, 57)}…` : text}”` : name;
  };
  const hidden = new Map();
  const visuallyHidden = (element) => {
    if (!element || element === document.body) return false;
    if (!hidden.has(element)) {
      const clipsToNothing = getComputedStyle(element).overflow !== "visible" && element.getBoundingClientRect().width <= 1;
      hidden.set(element, clipsToNothing || visuallyHidden(element.parentElement));
    }
    return hidden.get(element);
  };
  const insideFocusableScroller = (element) => {
    for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
      const overflowX = getComputedStyle(node).overflowX;
      if ((overflowX === "auto" || overflowX === "scroll") && node.tabIndex >= 0) return true;
    }
    return false;
  };
  const ownsItsText = (element, style) =>
    !["INPUT", "TEXTAREA", "SELECT", "OPTION", "OPTGROUP"].includes(element.tagName) && !element.closest("select")
    && !(style.display === "inline" || style.display === "contents") && element.clientWidth > 0;

  // Each fault is told once: where an element sticks out, its outermost box that
  // does (not every row and cell inside it); where content spills, the innermost
  // box it spills from (not every ancestor it spills through).
  const problems = [];
  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > viewport) problems.push(`the page is ${pageWidth}px wide in a ${viewport}px window`);
  const reaching = new Set();
  const spilling = [];
  for (const element of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden") continue;
    const box = element.getBoundingClientRect();
    if ((box.width === 0 && box.height === 0) || visuallyHidden(element)) continue;
    if (box.right > viewport + 1 && !insideFocusableScroller(element)) {
      reaching.add(element);
      if (!reaching.has(element.parentElement)) problems.push(`${describe(element)} reaches ${Math.round(box.right)}px`);
    }
    if (!ownsItsText(element, style) || element.scrollWidth <= element.clientWidth + 1) continue;
    const overflowX = style.overflowX;
    const sizes = `${element.scrollWidth}px of content in ${element.clientWidth}px`;
    if (overflowX === "visible") spilling.push([element, `${describe(element)} spills out of its box (${sizes})`]);
    else if (overflowX === "hidden" || overflowX === "clip") problems.push(`${describe(element)} cuts off its content (${sizes})`);
    else if (element.tabIndex < 0) problems.push(`${describe(element)} scrolls sideways but the keyboard cannot reach it (${sizes})`);
  }
  const spillsThrough = new Set();
  for (const [element] of spilling) {
    for (let node = element.parentElement; node && !spillsThrough.has(node); node = node.parentElement) spillsThrough.add(node);
  }
  for (const [element, problem] of spilling) if (!spillsThrough.has(element)) problems.push(problem);
  return problems;
}
