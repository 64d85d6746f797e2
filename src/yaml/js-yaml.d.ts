// The part of js-yaml 4's API the fast loader uses (the package ships no types).
declare module 'js-yaml' {
  export class Type {
    constructor(tag: string, options: { kind: 'scalar' | 'sequence' | 'mapping'; resolve?: (data: string) => boolean; construct?: (data: string) => unknown });
  }
  export class Schema {
    extend(definition: { implicit?: Type[]; explicit?: Type[] }): Schema;
  }
  export const FAILSAFE_SCHEMA: Schema;
  /** The loader's state as a listener sees it: on `close`, the node just composed. */
  export interface LoaderState {
    position: number;
    kind: 'scalar' | 'sequence' | 'mapping' | null;
    result: unknown;
    tag: string | null;
    anchor: string | null;
  }
  export function load(input: string, options?: { schema?: Schema; json?: boolean; listener?: (event: 'open' | 'close', state: LoaderState) => void }): unknown;
}
