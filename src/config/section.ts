/**
 * The contract between the config loader and a config section validated by another module
 * (today: the `otlp:` section, owned by src/config/otlp.ts).
 *
 * The loader (src/config/load.ts) parses the YAML file, expands `${ENV}` references,
 * and for the top-level `otlp:` key dynamically imports `./otlp.js` and calls its
 * validator with the plain JS value of that key. The validator returns the normalised
 * section (defaults applied) and a list of issues; each issue's `path` is relative to the
 * section (`['headers', 'x-api-key']`, `['timeout']`), and the loader turns it into
 * `file:line:col: otlp.headers.x-api-key: <message>` using the YAML node at that path.
 *
 * Expected exports of src/config/otlp.ts (any of these names is accepted):
 * - `otlpSection: ConfigSection<OtlpConfig>` (preferred), or
 * - `validateOtlpConfig(value: unknown): SectionResult<OtlpConfig>` plus
 *   `OTLP_DEFAULTS` / `otlpDefaults` / `DEFAULT_OTLP_CONFIG`.
 * When the section is absent from the file, `defaults` (or `validate(undefined)`) is used,
 * which lets OTLP decide about environment autoconfiguration (OTEL_EXPORTER_OTLP_ENDPOINT).
 */

/** One problem found in a section. */
export interface SectionIssue {
  /** Key path inside the section (numbers index lists). Empty = the section itself. */
  readonly path: readonly (string | number)[];
  /** What is wrong, e.g. `unknown key` or `must be a URL`. */
  readonly message: string;
  /** What was expected, e.g. `one of "http/protobuf", "http/json"`. */
  readonly expected?: string;
  /** The likely intended key or value, for misspellings. */
  readonly suggestion?: string;
}

export interface SectionResult<T> {
  /** The normalised section; only meaningful when `issues` is empty. */
  readonly value: T;
  readonly issues: readonly SectionIssue[];
}

export interface ConfigSection<T> {
  /** Top-level key in the YAML file. */
  readonly key: string;
  /** The section when the file does not have the key. */
  readonly defaults: T;
  /** Validates the plain value found under the key (`undefined` when absent). */
  validate(value: unknown): SectionResult<T>;
}
