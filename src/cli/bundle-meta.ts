// Injected by `npm run build` into the CommonJS bundle, where import.meta is empty: the bundle's own file stands in
// for every module's import.meta.url, which only ever locates the package (src/core/paths.ts) or resolves packages.
import { pathToFileURL } from 'node:url';

export const bundleUrl = pathToFileURL(__filename).href;
