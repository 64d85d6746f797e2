/** Templates: Handlebars with strict variables, Ansible-like helpers and typed whole-expression values. */
export { render, renderDeep, renderFile, renderString, type RenderWhere } from './render';
export { filters, findFilter, type Filter } from './filters/index';
