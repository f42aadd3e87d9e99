// Building and updating the page: elements, SVG, and what a form reports. Data reaches the page only through
// textContent (never innerHTML).

export const $ = (selector, root = document) => root.querySelector(selector);

/** An element with properties (or attributes, for names with a dash or 'class'), and children (text or nodes). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name.includes('-')) node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children.flat().filter(c => c !== null && c !== undefined).map(c =>
    c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Shows what happened in an output element: text, and whether it went wrong. */
export function report(target, text, kind) {
  target.textContent = text;
  target.classList.toggle('error', kind === 'error');
  target.classList.toggle('ok', kind === 'ok');
}

/** Runs a form's action with its buttons disabled, reporting a failure in {@code out}. */
export async function busy(form, out, action) {
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach(b => { b.disabled = true; });
  try {
    await action();
  } catch (e) {
    report(out, e.message, 'error');
  } finally {
    buttons.forEach(b => { b.disabled = false; });
  }
}
