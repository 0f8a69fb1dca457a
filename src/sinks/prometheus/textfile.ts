/**
 * textfile → the families of the *.prom files, node_textfile_mtime_seconds and
 * node_textfile_scrape_error. Rendered after every other collector: a file's family whose
 * name the agent already serves is dropped (and counted in node_textfile_scrape_error)
 * rather than mixed into the agent's own.
 */
import type { TextfileReading } from '../../contract/snapshot.js';
import { CATALOG as C } from './catalog.js';
import type { Exposition, PromFamily } from './exposition.js';

export function renderTextfile(r: TextfileReading, x: Exposition): void {
  let error = r.error;
  for (const f of r.families) {
    if (x.has(f.name) || f.name === C.textfileMtime.name || f.name === C.textfileScrapeError.name) {
      error = true;
      continue;
    }
    const def: PromFamily = { name: f.name, type: f.type, help: f.help };
    for (const s of f.samples) x.addNamed(def, s.name, s.value, s.labels);
  }
  for (const file of r.files) x.add(C.textfileMtime, file.mtimeSeconds, { file: file.file });
  x.add(C.textfileScrapeError, error ? 1 : 0);
}
