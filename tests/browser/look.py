"""What a person sees, measured in the page: figures whole in their frames, nothing covered, no
sideways scroll, no tiny text. Shared by the look-test and the figure-frame tests.

Every check runs as one script in the page and returns a list of plain-language problems, so a
failing test says what is wrong where ("figure 2 of /library: drawn box 12 px below its frame").
"""

from __future__ import annotations

from typing import Any

# A figure's drawn box is measured on the SVG itself, not on the <img>: the script fetches the
# image the browser chose (currentSrc), parses it, and measures the union of the bounding boxes
# of everything drawn (getBBox, in viewBox units) in a hidden copy. Its <style> blocks are
# dropped first: geometry does not depend on them, and the page's policy would refuse them.
# The drawn box is then placed where the <img> shows it: object-fit scales the viewBox into the
# image's box the way preserveAspectRatio "xMidYMid meet" does (contain) or "slice" (cover).
# The least of its frame a figure's drawn box may cover (its area over the frame's area). Lying
# figures cover about a third of a 4:3 frame; in frames of their own shape every figure covers
# at least 0.26 in the SVG (figures.render.FRAME_SHAPES), a little less once the page rounds.
FILL_FLOOR = 0.25
FIGURE_BOXES_JS = r"""
async () => {
  // The union of what is drawn, in the SVG's viewBox units: every shape, through its transforms,
  // cut to its clip path (the close-up inset draws a whole torso and shows a circle of it).
  // The ground (the floor line and the mat) and a wall seen from the side (class bk, backdrop)
  // are scenery that runs off the edges by design.
  const SHAPES = "path, circle, ellipse, rect, line, polyline, polygon, text, use, image";
  const SCENERY = ".fl, .mt, .bk";
  function boxIn(root, el) {
    const b = el.getBBox();
    const m = root.getScreenCTM().inverse().multiply(el.getScreenCTM());
    const xs = [], ys = [];
    for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
                          [b.x + b.width, b.y + b.height]]) {
      xs.push(m.a * x + m.c * y + m.e); ys.push(m.b * x + m.d * y + m.f);
    }
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }
  function drawnBox(root) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const el of root.querySelectorAll(SHAPES)) {
      if (el.closest("clipPath, mask, defs, symbol, marker, pattern") || el.matches(SCENERY)) continue;
      let [a, b, c, d] = boxIn(root, el);
      for (let up = el; up && up !== root; up = up.parentElement) {
        const ref = up.getAttribute("clip-path");
        const clip = ref && root.querySelector(ref.replace(/^url\(["']?|["']?\)$/g, ""));
        if (!clip) continue;
        for (const shape of clip.querySelectorAll(SHAPES)) {
          const [p, q, r, s] = boxIn(root, shape);
          a = Math.max(a, p); b = Math.max(b, q); c = Math.min(c, r); d = Math.min(d, s);
        }
      }
      if (c <= a && d <= b) continue;  // nothing left (a zero-size or wholly clipped shape)
      x0 = Math.min(x0, a); y0 = Math.min(y0, b); x1 = Math.max(x1, c); y1 = Math.max(y1, d);
    }
    return isFinite(x0) ? [x0, y0, x1, y1] : null;
  }
  const FILL_FLOOR = __FILL_FLOOR__;
  const problems = [], covers = [];
  const frames = [...document.querySelectorAll("figure.figure-slot")];
  let measured = 0;
  const host = document.createElement("div");
  host.setAttribute("aria-hidden", "true");
  host.className = "visually-hidden";  // the page's own class: no inline style, which CSP refuses
  document.body.appendChild(host);
  try {
    for (const [index, frame] of frames.entries()) {
      const name = `figure ${index + 1} (${frame.dataset.technique || "?"}` +
                   `${frame.dataset.step ? " step " + frame.dataset.step : ""})`;
      const seen = frame.getBoundingClientRect();
      if (seen.width === 0 || seen.height === 0) continue;  // hidden (the player's other steps)
      const img = frame.querySelector("img");
      if (!img) continue;  // the position pictogram: inline, sized by the frame
      if (!img.complete || img.naturalWidth === 0) {
        img.scrollIntoView({block: "center"});  // a lazy image loads once it is near the view
        await new Promise((resolve) => {
          img.addEventListener("load", resolve, {once: true});
          img.addEventListener("error", resolve, {once: true});
          setTimeout(resolve, 15000);
        });
      }
      if (img.naturalWidth === 0) { problems.push(`${name}: the image did not load`); continue; }
      // The frame is shaped for its figure: an image of another shape is another figure (a
      // cached one standing in for it) or a frame that did not follow its figure.
      const [across, down] = (frame.className.match(/frame-(\d+)x(\d+)/) || [0, 4, 3]).slice(1).map(Number);
      const shape = img.naturalWidth / img.naturalHeight;
      if (Math.abs(shape / (across / down) - 1) > 0.03) {
        problems.push(`${name}: a ${shape.toFixed(2)}:1 image in a ${across}x${down} frame`);
      }
      // The <style> blocks go before parsing: even a parsed document is held to the page's CSP.
      const text = (await (await fetch(img.currentSrc || img.src)).text())
        .replace(/<style[^>]*>[\s\S]*?<\/style>/g, "");
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      const svg = doc.documentElement;
      if (svg.nodeName !== "svg") { problems.push(`${name}: not an SVG`); continue; }
      const copy = document.importNode(svg, true);
      host.replaceChildren(copy);
      const box = drawnBox(copy);
      if (!box) { problems.push(`${name}: draws nothing`); continue; }
      const [x0, y0, x1, y1] = box;
      const vb = copy.viewBox.baseVal;
      const f = frame.getBoundingClientRect();  // measured after any scrolling above
      const r = img.getBoundingClientRect();
      const fit = getComputedStyle(img).objectFit;
      const scale = fit === "cover" ? Math.max(r.width / vb.width, r.height / vb.height)
                  : fit === "fill" ? null : Math.min(r.width / vb.width, r.height / vb.height);
      if (scale === null) { problems.push(`${name}: object-fit fill distorts the figure`); continue; }
      const ox = r.left + (r.width - vb.width * scale) / 2;
      const oy = r.top + (r.height - vb.height * scale) / 2;
      const drawn = {left: ox + (x0 - vb.x) * scale, top: oy + (y0 - vb.y) * scale,
                     right: ox + (x1 - vb.x) * scale, bottom: oy + (y1 - vb.y) * scale};
      // What is visible of the image: its own box (an <img> clips its SVG to the viewport, and
      // object-fit to the box) inside its frame (which hides overflow).
      const shown = {left: Math.max(r.left, f.left, ox), top: Math.max(r.top, f.top, oy),
                     right: Math.min(r.right, f.right, ox + vb.width * scale),
                     bottom: Math.min(r.bottom, f.bottom, oy + vb.height * scale)};
      const slack = 1;
      const cut = [];
      if (drawn.left < shown.left - slack) cut.push(`left by ${Math.round(shown.left - drawn.left)} px`);
      if (drawn.top < shown.top - slack) cut.push(`top by ${Math.round(shown.top - drawn.top)} px`);
      if (drawn.right > shown.right + slack) cut.push(`right by ${Math.round(drawn.right - shown.right)} px`);
      if (drawn.bottom > shown.bottom + slack) {
        cut.push(`bottom by ${Math.round(drawn.bottom - shown.bottom)} px`);
      }
      if (cut.length) {
        problems.push(`${name}: drawn ${Math.round(drawn.right - drawn.left)}x` +
                      `${Math.round(drawn.bottom - drawn.top)} in a ${Math.round(f.width)}x` +
                      `${Math.round(f.height)} frame, cut at the ${cut.join(", ")}`);
      }
      // Whole but a speck: the figure (without the floor it stands on) should fill at least
      // half its frame in one direction.
      const fill = Math.max((drawn.right - drawn.left) / f.width, (drawn.bottom - drawn.top) / f.height);
      if (fill < 0.5) problems.push(`${name}: fills only ${Math.round(fill * 100)}% of its frame`);
      // And fills the frame's area, not just one of its sides: a frame shaped for the figure
      // (a person standing in a tall frame, lying in a wide one), so none is a strip in a box.
      const cover = (drawn.right - drawn.left) * (drawn.bottom - drawn.top) / (f.width * f.height);
      covers.push(cover);
      if (cover < FILL_FLOOR) {
        problems.push(`${name}: its drawn box covers only ${cover.toFixed(2)} of its ` +
                      `${Math.round(f.width)}x${Math.round(f.height)} frame (at least ${FILL_FLOOR})`);
      }
      measured += 1;
    }
  } finally {
    host.remove();
    window.scrollTo(0, 0);
  }
  return {problems, measured, covers};
}
""".replace("__FILL_FLOOR__", str(FILL_FLOOR))


def figure_problems(page: Any) -> tuple[list[str], int]:
    """Problems with the figures shown on the page, and how many figures were measured."""
    problems, covers = figure_problems_and_cover(page)
    return problems, len(covers)


def figure_problems_and_cover(page: Any) -> tuple[list[str], list[float]]:
    """Problems with the figures shown on the page, and how much of its frame each one covers
    (its drawn box's area over the frame's)."""
    result = page.evaluate(FIGURE_BOXES_JS)
    return list(result["problems"]), [float(c) for c in result["covers"]]


# The rest of what a person sees, in one pass (argument: whether to scroll through the page; the
# player is one screen and scrolling it would only move its inner boxes):
# * sideways scroll: the document wider than the viewport;
# * small text: any element with its own text, or SVG text, drawn under 12 CSS px;
# * covered: a text block or control whose centre or corners (2 px in) hit another element that
#   is neither inside it nor around it. Checked screen by screen down the page, for what is
#   wholly in view, so a sticky bar over the text below it is caught. With a modal dialog open
#   only the dialog is looked at: the page behind it is meant to be covered.
PAGE_PROBLEMS_JS = r"""
async (scroll) => {
  const problems = [];
  const root = document.scrollingElement || document.documentElement;
  if (root.scrollWidth > window.innerWidth + 1) {
    const wide = [...document.querySelectorAll("body *")].filter((el) =>
      el.getBoundingClientRect().right > window.innerWidth + 1 && el.checkVisibility())
      .slice(0, 3).map(describe);
    problems.push(`scrolls sideways: ${root.scrollWidth} px wide in a ${window.innerWidth} px` +
                  ` window (${wide.join("; ")})`);
  }
  function describe(el) {
    const text = (el.innerText || el.textContent || el.getAttribute("aria-label") || "").trim();
    const id = el.id ? "#" + el.id : el.className && typeof el.className === "string"
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${id} "${text.slice(0, 40).replace(/\s+/g, " ")}"`;
  }
  // What is left of an element once the boxes around it that clip (overflow, clip) cut it: a
  // visually hidden table head is 1 px however wide its cells are.
  function shown(el) {
    let {left, top, right, bottom} = el.getBoundingClientRect();
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX === "visible" && style.overflowY === "visible" && style.clip === "auto") continue;
      const r = up.getBoundingClientRect();
      left = Math.max(left, r.left); top = Math.max(top, r.top);
      right = Math.min(right, r.right); bottom = Math.min(bottom, r.bottom);
    }
    return {left, top, right, bottom, width: right - left, height: bottom - top};
  }
  function visible(el) {
    const r = shown(el);
    return r.width >= 2 && r.height >= 2 &&
      el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  }
  const dialog = document.querySelector("dialog[open]");
  const scope = dialog && dialog.matches(":modal") ? dialog : document.body;

  // Small text.
  const small = [];
  for (const el of scope.querySelectorAll("*")) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !visible(el)) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement && el.getScreenCTM) {
      const m = el.getScreenCTM();
      if (m) size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    if (size < 11.95) small.push(`${describe(el)} at ${size.toFixed(1)} px`);
  }
  if (small.length) problems.push(`text under 12 px: ${small.slice(0, 5).join("; ")}` +
                                  (small.length > 5 ? ` and ${small.length - 5} more` : ""));

  // Covered text and controls.
  const BLOCKS = "p, li, h1, h2, h3, h4, dt, dd, th, td, legend, label, summary, caption, " +
                 "figcaption, button, a.button, input, select, textarea, .tile-label";
  const seen = new Set();
  const covered = [];
  const start = window.scrollY;
  const screens = scroll && scope === document.body
    ? Math.min(15, 1 + Math.ceil((root.scrollHeight - window.innerHeight) / (window.innerHeight * 0.8)))
    : 1;
  for (let screen = 0; screen < screens; screen += 1) {
    if (scroll) {
      window.scrollTo(0, screen * window.innerHeight * 0.8);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    }
    for (const el of scope.querySelectorAll(BLOCKS)) {
      if (seen.has(el) || !visible(el)) continue;
      if (el.matches("input[type=checkbox], input[type=radio]") &&
          getComputedStyle(el).opacity === "0") continue;  // a hidden input under its label
      const r = shown(el);  // the part not cut by a scrolling box around it
      if (r.top < 0 || r.left < 0 || r.bottom > window.innerHeight || r.right > window.innerWidth) continue;
      seen.add(el);
      const inset = Math.min(2, r.width / 4, r.height / 4);
      const points = [[r.left + r.width / 2, r.top + r.height / 2],
                      [r.left + inset, r.top + inset], [r.right - inset, r.top + inset],
                      [r.left + inset, r.bottom - inset], [r.right - inset, r.bottom - inset]];
      for (const [x, y] of points) {
        const hit = document.elementFromPoint(x, y);
        if (!hit || hit === el || el.contains(hit) || hit.contains(el)) continue;
        // A label's own control may sit on it (the pain scale's invisible radio buttons).
        if (el.control && (hit === el.control || el.control.contains(hit))) continue;
        covered.push(`${describe(el)} under ${describe(hit)} at ${Math.round(x)},${Math.round(y)}`);
        break;
      }
    }
  }
  if (scroll) window.scrollTo(0, start);
  if (covered.length) problems.push(`covered: ${covered.slice(0, 5).join("; ")}` +
                                    (covered.length > 5 ? ` and ${covered.length - 5} more` : ""));
  return problems;
}
"""
