/**
 * Escaping for the HTML report: every user text (inputs, outputs, errors, names, prompts) goes
 * through one of these, so an output that holds markup shows as text and runs nothing.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * JSON to put inside `<script type="application/json">`: `<`, `>` and `&` become `\u003c`...
 * (the same value to JSON.parse), so no text in it can close the element or open a comment;
 * U+2028 and U+2029 too, for older parsers.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript (a library's minified build) to inline in a `<script>` element: `</script` and
 * `<!--` would end the element or change how the browser reads it; in the string or regular
 * expression they can only appear in, `<\/script` and `<\!--` mean the same.
 */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Markup already made safe: `html` inserts it as it is. */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/**
 * A tagged template for markup: every interpolated value is escaped, except SafeHtml (another
 * `html` result, or `trusted(...)`); arrays are joined; null, undefined and false are left out.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (const [i, value] of values.entries()) out += render(value) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup the report made itself (a library's script, the page's styles): inserted unescaped. */
export function trusted(text: string): SafeHtml {
  return new SafeHtml(text);
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}
