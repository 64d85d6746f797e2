import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applySetFact, labInventory, renderTemplate, roleDefaults, roleTask, type Vars } from './harness';

// These tests run the real nginx of this machine (`nginx -t` only: nothing is started or bound).
// Needs: apt-get install nginx-light libnginx-mod-stream.
const work = mkdtempSync(join(tmpdir(), 'tsrun-nginx-lb-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The role's variables on a host, after its set_fact tasks, with logs and pid in the temporary directory. */
function lbVars(host: string, extra: Vars = {}): Vars {
  let vars: Vars = {
    ...roleDefaults('nginx-lb'),
    ...labInventory(host),
    nginx_lb_pid_file: join(work, 'nginx.pid'),
    nginx_lb_error_log: join(work, 'error.log'),
    nginx_lb_access_log: join(work, 'access.log'),
    ...extra,
  };
  vars = applySetFact(roleTask('nginx-lb', 'main.yml', 'list the backends'), vars);
  return applySetFact(roleTask('nginx-lb', 'main.yml', 'backends as a list'), vars);
}

/** Writes a configuration and runs `nginx -t -c` on it, as the template task's validate does. */
function nginxTest(name: string, text: string): { ok: boolean; output: string } {
  const file = join(work, name);
  writeFileSync(file, text);
  const r = spawnSync('nginx', ['-t', '-c', file], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) throw new Error(`nginx not runnable (apt-get install nginx-light libnginx-mod-stream): ${r.error.message}`);
  return { ok: r.status === 0, output: r.stderr };
}

/** The configuration without its comments. */
function directives(text: string): string {
  return text.replace(/#.*$/gm, '');
}

function makeCertificate(): { crt: string; key: string } {
  const crt = join(work, 'lab.crt');
  const key = join(work, 'lab.key');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj',
    '/CN=rancher.lab.test', '-keyout', key, '-out', crt], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return { crt, key };
}

describe('nginx-lb backends', () => {
  it('default to the ansible_host of every node, and the balancer is not one of them', () => {
    const vars = lbVars('lb1');
    expect(vars._nginx_lb_backend_list).toEqual(['10.99.0.11', '10.99.0.12', '10.99.0.13']);
    expect(vars._nginx_lb_group_list).toContain('node1');
    expect(vars._nginx_lb_group_list).not.toContain('lb1');
  });

  it('name a node itself among the group hosts, which the refusal assert checks', () => {
    expect(lbVars('node2')._nginx_lb_group_list).toContain('node2');
  });

  it('take nginx_lb_backends when given', () => {
    expect(lbVars('lb1', { nginx_lb_backends: ['192.0.2.1', '192.0.2.2'] })._nginx_lb_backend_list)
      .toEqual(['192.0.2.1', '192.0.2.2']);
  });
});

describe('nginx-lb layer 4', () => {
  const text = renderTemplate('nginx-lb', 'nginx-l4.conf.hbs', lbVars('lb1'));

  it('is Rancher\'s stream configuration', () => {
    for (const line of [
      'worker_processes 4;', 'worker_rlimit_nofile 40000;', 'worker_connections 8192;',
      'include /etc/nginx/modules-enabled/*.conf;', 'upstream rancher_servers_80 {', 'upstream rancher_servers_443 {',
      'least_conn;', 'server 10.99.0.13:443 max_fails=3 fail_timeout=5s;', 'listen 443;',
      'proxy_pass rancher_servers_80;', 'zone rancher_servers_80 64k;', 'zone rancher_servers_443 64k;',
      'proxy_connect_timeout 3s;',
    ]) expect(text).toContain(line);
    // one connect timeout per server, one zone per upstream
    expect(directives(text).match(/proxy_connect_timeout 3s;/g)).toHaveLength(2);
    expect(directives(text)).not.toMatch(/\bhttp\s*\{|conf\.d|sites-enabled|location|proxy_set_header/);
  });

  it('passes a real nginx -t', () => {
    const r = nginxTest('l4.conf', text);
    expect(r.output).toMatch(/test is successful/);
    expect(r.ok).toBe(true);
  });

  it('fails nginx -t without the stream module include (the test can fail)', () => {
    const r = nginxTest('l4-broken.conf', text.replace('include /etc/nginx/modules-enabled/*.conf;', ''));
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/unknown directive "stream"/);
  });
});

describe('nginx-lb layer 7', () => {
  const { crt, key } = makeCertificate();
  const vars = lbVars('lb1', { nginx_lb_tls_certificate: crt, nginx_lb_tls_certificate_key: key });
  const text = renderTemplate('nginx-lb', 'nginx-l7.conf.hbs', vars);

  it('terminates TLS and passes the headers, websockets and timeouts Rancher needs', () => {
    for (const line of [
      'listen 443 ssl http2;', `ssl_certificate ${crt};`, `ssl_certificate_key ${key};`,
      'server 10.99.0.11:80 max_fails=3 fail_timeout=5s;', 'proxy_set_header Host $host;',
      'proxy_set_header X-Forwarded-Proto https;', 'proxy_set_header X-Forwarded-Port $server_port;',
      'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;', 'proxy_http_version 1.1;',
      'proxy_set_header Upgrade $http_upgrade;', 'proxy_set_header Connection $connection_upgrade;',
      'proxy_read_timeout 1800s;', 'proxy_send_timeout 1800s;', 'proxy_connect_timeout 30s;',
      'proxy_buffering off;', 'return 301 https://$host$request_uri;', 'default Upgrade;', "''      close;",
      'zone rancher 64k;',
    ]) expect(text).toContain(line);
    expect(directives(text)).not.toMatch(/stream\s*\{|conf\.d|sites-enabled/);
  });

  it('refuses other host names: a default_server on 80 and 443 rejects the TLS handshake and answers 444', () => {
    const servers = directives(text).split(/\n\s*server \{/).slice(1);
    const fallback = servers.find((b) => b.includes('default_server'));
    expect(fallback).toBeDefined();
    for (const line of ['listen 80 default_server;', 'listen 443 ssl http2 default_server;', 'ssl_reject_handshake on;', 'return 444;']) {
      expect(fallback).toContain(line);
    }
    expect(fallback).not.toContain('proxy_pass');
    expect(servers.filter((b) => b.includes('proxy_pass')).every((b) => b.includes(`server_name ${String(vars.nginx_lb_server_name)};`))).toBe(true);
  });

  it('passes a real nginx -t', () => {
    const r = nginxTest('l7.conf', text);
    expect(r.output).toMatch(/test is successful/);
    expect(r.ok).toBe(true);
  });

  it('fails nginx -t when the certificate is missing (the test can fail)', () => {
    const r = nginxTest('l7-broken.conf', text.replaceAll(crt, join(work, 'missing.crt')));
    expect(r.ok).toBe(false);
  });
});
