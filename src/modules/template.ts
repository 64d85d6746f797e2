import { copyCommon, copyLike } from './copy';
import { arg, argsSchema } from './schema';
import { contentReturns } from './fs/write';

/** template: renders a Handlebars template on the controller and writes the result to the host. */
export const template = copyLike(
  {
    name: 'template',
    returns: contentReturns,
    summary: 'Render a Handlebars template to a file on the host',
    description: "src is found in the role's/playbook's templates/ and rendered with the task's variables; the rest works as copy.",
    examples: '- template: { src: nginx.conf.hbs, dest: /etc/nginx/nginx.conf, validate: "nginx -t -c %s" }',
  },
  'templates',
  argsSchema({ src: arg.path('Template on the controller: absolute, or found in templates/.'), ...copyCommon }),
);
