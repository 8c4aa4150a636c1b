/**
 * A caption as Postiz's editor stores it: one `<p>` paragraph per line, with `&`, `<` and `>` written
 * as entities. Postiz converts content holding `<p>` to plain text at publish time (paragraphs become
 * line breaks, entities decoded), while plain text holding a `<` is HTML-escaped and then published
 * with its entities (reference §6.11 and correction 2): only this form publishes `Tom & Jerry <3` as
 * written.
 *
 * @example
 * ```ts
 * postizHtml('Tom & Jerry <3\n#cartoons'); // '<p>Tom &amp; Jerry &lt;3</p><p>#cartoons</p>'
 * ```
 */
export function postizHtml(caption: string): string {
  return caption
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => `<p>${line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`)
    .join('');
}
