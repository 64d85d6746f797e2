/** Templates: Handlebars with strict variables, Ansible-like helpers and typed whole-expression values. */
export { checkTemplate, hasStatements, render, renderDeep, renderFile, renderString, renderText, type RenderWhere } from './render';
export { filters, findFilter, type Filter } from './filters/index';
