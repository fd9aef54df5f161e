/**
 * The layering of src/ (checked by `npm test`): channels → engine → features → storage, with src/core pure in the
 * middle. See README "How it is built".
 */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'A cycle ties modules into one knot: break it with a port in src/core.', from: { path: '^src' }, to: { circular: true } },
    { name: 'core-is-pure', severity: 'error', comment: 'src/core holds shapes, ports and pure rules: it imports nothing else of src.', from: { path: '^src/core/' }, to: { path: '^src/', pathNot: '^src/core/' } },
    { name: 'engine-knows-only-core', severity: 'error', comment: 'The engine runs flows; features plug in through ports.', from: { path: '^src/engine/' }, to: { path: '^src/(features|channels|cli)/' } },
    { name: 'features-never-import-channels', severity: 'error', comment: 'Features speak in core message shapes; adapters are chosen at the composition root.', from: { path: '^src/features/' }, to: { path: '^src/channels/' } },
    { name: 'no-orphans', severity: 'error', comment: 'A module nothing imports is dead code (entry points excepted).', from: { orphan: true, path: '^src/', pathNot: ['^src/(main|cli/[^/]+)\\.ts$', '\\.d\\.ts$', '^src/storage/generated/'] }, to: {} },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/storage/generated/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
