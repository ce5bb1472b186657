// Just enough HTML reading for the HTTP-level page tests: find start tags,
// read their attributes, find forms and their fields, match labels to
// controls. Not a full parser: the pages are ours and well-formed, and the
// browser tests cover what a real parser sees.

import { decodeEntities } from './server.mjs';

const ATTR = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;

/** Parses the attribute text of one start tag into a lower-case-keyed object. */
export function parseAttrs(text) {
  const attrs = {};
  for (const m of text.matchAll(ATTR)) {
    const v = m[2] ?? m[3] ?? m[4] ?? '';
    attrs[m[1].toLowerCase()] = decodeEntities(v);
  }
  return attrs;
}

/**
 * Every start tag named `name` (case-insensitive), in document order:
 * [{name, attrs, start, end}] where start/end are offsets of the tag itself.
 */
export function startTags(html, name) {
  const re = new RegExp(`<${name}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'gi');
  const out = [];
  for (const m of html.matchAll(re)) {
    out.push({ name: name.toLowerCase(), attrs: parseAttrs(m[1]), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Elements with their inner HTML (no nesting of the same tag name). */
export function elements(html, name) {
  const out = [];
  for (const t of startTags(html, name)) {
    const close = html.toLowerCase().indexOf(`</${name.toLowerCase()}`, t.end);
    const inner = close >= 0 ? html.slice(t.end, close) : '';
    out.push({ ...t, inner, close: close >= 0 ? close : t.end });
  }
  return out;
}

/** Visible-ish text of an HTML fragment: tags stripped, entities decoded, spaces squeezed. */
export function textOf(fragment) {
  return decodeEntities(
    fragment
      .replace(/<script[\s\S]*?<\/script>/gi, ' ')
      .replace(/<style[\s\S]*?<\/style>/gi, ' ')
      .replace(/<[^>]*>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The forms of a page: [{attrs, inner, inputs, textareas, selects, buttons, fields}]
 * where fields holds name -> value of the hidden inputs (what a browser
 * would send besides what the person types).
 */
export function forms(html) {
  return elements(html, 'form').map((f) => {
    const inputs = startTags(f.inner, 'input');
    const fields = {};
    for (const i of inputs) if ((i.attrs.type || '').toLowerCase() === 'hidden' && i.attrs.name) fields[i.attrs.name] = i.attrs.value ?? '';
    return {
      ...f,
      inputs,
      textareas: elements(f.inner, 'textarea'),
      selects: elements(f.inner, 'select'),
      buttons: elements(f.inner, 'button'),
      fields,
    };
  });
}

/** True when the form has a submit control (a button that is not type=button/reset, or input type=submit). */
export function hasSubmit(form) {
  const btn = form.buttons.some((b) => !['button', 'reset'].includes((b.attrs.type || 'submit').toLowerCase()));
  const inp = form.inputs.some((i) => ['submit', 'image'].includes((i.attrs.type || '').toLowerCase()));
  return btn || inp;
}

/**
 * True when a control (found by its start tag inside `html`) has a label:
 * <label for="its id"> anywhere in the page, or a <label> that wraps it.
 * scope is the HTML the control's offsets refer to (e.g. a form's inner HTML).
 */
export function hasLabel(html, control, scope = html) {
  const id = control.attrs.id;
  if (id && startTags(html, 'label').some((l) => l.attrs.for === id)) return true;
  // wrapping label: the nearest <label ...> before it (in the scope the
  // control's offsets refer to) is not closed before it
  const before = scope.slice(0, control.start).toLowerCase();
  const open = before.lastIndexOf('<label');
  const close = before.lastIndexOf('</label');
  return open >= 0 && open > close;
}
