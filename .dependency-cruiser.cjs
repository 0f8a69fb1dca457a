/**
 * The import rule (docs/architecture.md, "Layers and the import rule"), checked by
 * `npm run lint:deps` (dependency-cruiser) in scripts/test.sh. Imports point down the
 * layers only; the composition root (src/agent/, src/cli/) is the one place that knows
 * every layer.
 *
 *   foundation  src/{errors,roots,enums,logger,sea}.ts, src/internal/
 *   native      src/native/            -> foundation
 *   library     src/*.ts, src/process/ -> native, foundation
 *   config      src/config/            -> library, foundation
 *   contract    src/contract/          -> config and library (types), foundation
 *   collectors  src/collectors/        -> contract, library, config, foundation
 *   sinks       src/sinks/             -> contract, config, library (types), foundation
 *   http        src/http/              -> contract, config, foundation
 *   agent       src/agent/             -> anything but cli (the composition root)
 *   cli         src/cli/               -> anything
 *   integrations src/integrations/     -> anything but cli (entry points for other programs:
 *                                         hostprobe/prom-client and hostprobe/otel compose
 *                                         the poller and collectors as the agent does)
 *
 * Type-only imports count (tsPreCompilationDeps): a type imported back is a seam too.
 */
const FOUNDATION = '^src/(errors|roots|enums|logger|sea)\\.ts$|^src/internal/';
const NATIVE = '^src/native/';
const LIBRARY = '^src/(cpu|disk|host|memory|net|process|index)\\.ts$|^src/process/';
const CONFIG = '^src/config/';
const CONTRACT = '^src/contract/';
const COLLECTORS = '^src/collectors/';
const SINKS = '^src/sinks/';
const HTTP = '^src/http/';
const AGENT = '^src/agent/';
const CLI = '^src/cli/';
const INTEGRATIONS = '^src/integrations/';

/** A rule: modules matching `from` import nothing matching any of `to`. */
const layer = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to.join('|') },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No module imports itself back, through any chain (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer('foundation-imports-foundation', 'errors, roots, enums, logger, sea and internal/ sit under everything.', FOUNDATION, [
      NATIVE,
      LIBRARY,
      CONFIG,
      CONTRACT,
      COLLECTORS,
      SINKS,
      HTTP,
      AGENT,
      CLI,
    ]),
    layer(
      'native-declares-its-own-shapes',
      'src/native/ declares the raw shapes the addon returns; it imports nothing of the library back.',
      NATIVE,
      [LIBRARY, CONFIG, CONTRACT, COLLECTORS, SINKS, HTTP, AGENT, CLI],
    ),
    layer('library-is-standalone', 'The library (what `import "hostprobe"` gives) knows nothing of the agent.', LIBRARY, [
      CONFIG,
      CONTRACT,
      COLLECTORS,
      SINKS,
      HTTP,
      AGENT,
      CLI,
    ]),
    layer(
      'config-is-below-the-agent',
      'The config is read by everything above it and imports none of it (the library it may use).',
      CONFIG,
      [NATIVE, CONTRACT, COLLECTORS, SINKS, HTTP, AGENT, CLI],
    ),
    layer(
      'contract-is-data',
      'The data contract (snapshot, collector contract, Sink, what HTTP serves) imports no runtime part.',
      CONTRACT,
      [NATIVE, COLLECTORS, SINKS, HTTP, AGENT, CLI],
    ),
    {
      name: 'contract-takes-types-only',
      comment: "The contract may name the library's and the config's types, never run their code.",
      severity: 'error',
      from: { path: CONTRACT },
      to: { path: `${LIBRARY}|${CONFIG}`, dependencyTypesNot: ['type-only'] },
    },
    layer(
      'collectors-read-and-convert',
      'Collectors read through the library into the contract; they know no sink, server or agent.',
      COLLECTORS,
      [SINKS, HTTP, AGENT, CLI],
    ),
    layer('sinks-render-the-snapshot', 'Sinks render the snapshot only: no collector, native read, server or agent.', SINKS, [
      NATIVE,
      COLLECTORS,
      HTTP,
      AGENT,
      CLI,
    ]),
    {
      name: 'sinks-take-library-types-only',
      comment: 'A sink may name a library type, never call the library (it never touches /proc or /sys).',
      severity: 'error',
      from: { path: SINKS },
      to: { path: LIBRARY, dependencyTypesNot: ['type-only'] },
    },
    layer(
      'http-serves-the-contract',
      'The server serves what the contract describes; it knows no sink, collector, library or agent.',
      HTTP,
      [NATIVE, LIBRARY, COLLECTORS, SINKS, AGENT, CLI],
    ),
    layer('agent-is-the-root', 'Only the CLI imports the composition root.', AGENT, [CLI]),
    {
      name: 'no-import-of-the-composition-root',
      comment: 'Nothing outside the entry points (src/agent/, src/cli/, src/integrations/) imports src/agent/.',
      severity: 'error',
      from: { path: '^src/', pathNot: `${AGENT}|${CLI}|${INTEGRATIONS}` },
      to: { path: AGENT },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
