/**
 * Well-formedness the way an XML parser checks it, for the subset a badge uses: every tag closes in
 * order, attributes are quoted, and text holds no raw `<` or unescaped `&`.
 */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(xml)) !== null) {
    consumed = token.lastIndex;
    const [, closing, name, , selfClosing, text] = match;
    if (text !== undefined) {
      if (/&(?!(#\d+|amp|lt|gt|quot|apos);)/.test(text))
        throw new Error(`unescaped & in ${JSON.stringify(text)}`);
      continue;
    }
    if (closing === '/') {
      if (stack.pop() !== name) throw new Error(`</${name}> closes the wrong element`);
    } else if (selfClosing !== '/') stack.push(name ?? '');
  }
  if (consumed !== xml.length)
    throw new Error(`not well-formed at ${consumed}: ${xml.slice(consumed, consumed + 40)}`);
  if (stack.length > 0) throw new Error(`unclosed: ${stack.join(', ')}`);
}
