/**
 * `${VAR}`, `${VAR:-default}` and `$$` in the document's scalars, expanded in place before
 * validation so that the expanded value is what is validated (`port: ${PORT}` is a number).
 */
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Node as YamlNode } from 'yaml';
import type { PathSeg, Problem } from './messages.js';

const ENV_REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}/g;

function expandScalar(node: Scalar, env: NodeJS.ProcessEnv, problems: Problem[], path: readonly PathSeg[]): void {
  if (typeof node.value !== 'string' || !node.value.includes('$')) return;
  const original = node.value;
  let touched = false;
  const out = original.replace(ENV_REF, (whole, name: string | undefined, def: string | undefined) => {
    if (whole === '$$') {
      touched = true;
      return '$';
    }
    touched = true;
    const v = env[name as string];
    if (v !== undefined && v !== '') return v;
    if (def !== undefined) return def;
    if (v === '') return '';
    problems.push({
      node,
      path: [...path],
      message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
    });
    return '';
  });
  if (!touched) return;
  // An unquoted scalar that was only references is re-read as YAML, so `port: ${PORT}` is a number.
  if (node.type === Scalar.PLAIN && out.trim() !== '') {
    const re = parseDocument(out);
    const c = re.contents;
    if (re.errors.length === 0 && isScalar(c) && (typeof c.value === 'number' || typeof c.value === 'boolean')) {
      node.value = c.value;
      return;
    }
  }
  node.value = out;
}

/**
 * Expands every scalar under `node`; an unset variable without a default is a problem at
 * its scalar. `path` is the node's key path (a stack, copied only into a problem).
 */
export function expandEnv(node: YamlNode | null | undefined, env: NodeJS.ProcessEnv, problems: Problem[], path: PathSeg[] = []): void {
  if (!node) return;
  if (isScalar(node)) expandScalar(node, env, problems, path);
  else if (isMap(node)) {
    for (const p of node.items) {
      path.push(isScalar(p.key) ? String(p.key.value) : '?');
      expandEnv(p.value as YamlNode | null, env, problems, path);
      path.pop();
    }
  } else if (isSeq(node)) {
    node.items.forEach((it, i) => {
      path.push(i);
      expandEnv(it as YamlNode | null, env, problems, path);
      path.pop();
    });
  }
}
