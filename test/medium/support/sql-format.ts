/**
 * Lays out one SQL statement for reading in a diff: each clause on a line of its own, the items of
 * SELECT, GROUP BY and ORDER BY lists one per line, and each AND or OR of a WHERE on a line of its
 * own, indented by its depth in parentheses. Nothing but white space changes: quoted text is
 * copied as it is, and lower-case words (`extract(epoch from …)`) are never taken for clauses.
 */
const CLAUSES = ['SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'HAVING', 'LIMIT', 'OFFSET', 'INNER JOIN', 'LEFT JOIN'];
const LISTS = new Set(['SELECT', 'GROUP BY', 'ORDER BY']);
const CONDITIONS = new Set(['WHERE', 'HAVING']);

export function formatSql(sql: string): string {
  let out = '';
  let depth = 0;
  /** The clause last begun at each depth of parentheses. */
  const clauseAt: (string | undefined)[] = [];
  const indent = (extra = 0) => '  '.repeat(depth + extra);
  const conditionAround = () => {
    for (let d = depth; d >= 0; d -= 1) if (clauseAt[d]) return CONDITIONS.has(clauseAt[d]!);
    return false;
  };
  const wordBoundary = (at: number, length: number) => !/[\w"]/.test(sql[at - 1] ?? ' ') && !/[\w"]/.test(sql[at + length] ?? ' ');
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === c && sql[j + 1] !== c)) j += sql[j] === c ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/\s/.test(c)) {
      if (!out.endsWith(' ') && !out.endsWith('\n') && !out.endsWith('(')) out += ' ';
      i += 1;
      continue;
    }
    if (c === '(') {
      out += c;
      depth += 1;
      clauseAt[depth] = undefined;
      i += 1;
      continue;
    }
    if (c === ')') {
      clauseAt[depth] = undefined;
      depth = Math.max(0, depth - 1);
      out = out.trimEnd();
      if (/\n\s*$/.test(out)) out = out.trimEnd();
      out += c;
      i += 1;
      continue;
    }
    if (c === ',' && clauseAt[depth] && LISTS.has(clauseAt[depth]!)) {
      out = out.trimEnd() + `,\n${indent(1)}`;
      i += 1;
      while (/\s/.test(sql[i] ?? '')) i += 1;
      continue;
    }
    // `IS [NOT] DISTINCT FROM` is an operator, not a clause.
    const clause = CLAUSES.find((word) => sql.startsWith(word, i) && wordBoundary(i, word.length) && !(word === 'FROM' && out.endsWith('DISTINCT ')));
    if (clause) {
      out = out.trimEnd();
      if (out && !out.endsWith('(')) out += `\n${indent()}`;
      else if (out.endsWith('(')) out += `\n${indent()}`;
      out += clause;
      clauseAt[depth] = clause;
      i += clause.length;
      if (LISTS.has(clause) || CONDITIONS.has(clause)) {
        out += `\n${indent(1)}`;
        while (/\s/.test(sql[i] ?? '')) i += 1;
      }
      continue;
    }
    // Each CASE of a SELECT item made of several (the rule matches) on a line of its own.
    if (sql.startsWith('|| (CASE', i) && clauseAt[depth] === 'SELECT') {
      out = out.trimEnd() + `\n${indent(2)}`;
      out += '|| ';
      i += 3;
      continue;
    }
    const junction = ['AND', 'OR'].find((word) => sql.startsWith(word, i) && wordBoundary(i, word.length));
    if (junction && conditionAround()) {
      out = out.trimEnd() + `\n${indent(1)}${junction} `;
      i += junction.length;
      while (/\s/.test(sql[i] ?? '')) i += 1;
      continue;
    }
    out += c;
    i += 1;
  }
  return out.trim();
}
