import { describe, expect, it } from 'vitest';
import { applySetFact, labInventory, render, renderTemplate, roleDefaults, roleTask, type Vars } from './harness';

const proxy = 'http://10.99.0.1:3128';
const rancher = '127.0.0.0/8,10.0.0.0/8,cattle-system.svc,172.16.0.0/12,192.168.0.0/16,.svc,.cluster.local';

/** proxy-env's variables on a host after its two set_fact tasks. */
function proxyVars(extra: Vars, host = 'node1'): Vars {
  let vars: Vars = { ...roleDefaults('proxy-env'), ...labInventory(host), proxy_env_http_proxy: proxy, ...extra };
  vars = applySetFact(roleTask('proxy-env', 'present.yml', 'choose the HTTPS proxy and gather NO_PROXY entries'), vars);
  return applySetFact(roleTask('proxy-env', 'present.yml', 'remove duplicate NO_PROXY entries'), vars);
}

describe('proxy-env NO_PROXY', () => {
  it('is Rancher\'s list, every node and the balancer, then the extras, without spaces or duplicates', () => {
    const vars = proxyVars({ proxy_env_no_proxy_extra: ['.example.com', ' 10.99.0.11 ', '.svc'] });
    expect(vars._proxy_env_no_proxy).toBe(`${rancher},10.99.0.11,10.99.0.12,10.99.0.13,10.99.0.10,.example.com`);
  });

  it('uses a host\'s name when it has no ansible_host, and ignores a missing group', () => {
    const vars = proxyVars({});
    delete (vars.hostvars as Record<string, Vars>).node3.ansible_host;
    const again = applySetFact(roleTask('proxy-env', 'present.yml', 'choose the HTTPS proxy and gather NO_PROXY entries'),
      { ...vars, proxy_env_no_proxy_groups: ['nodes', 'no-such-group'] });
    expect(again._proxy_env_no_proxy_raw).toBe(`${rancher},10.99.0.11,10.99.0.12,node3`);
  });
});

describe('proxy-env HTTPS proxy', () => {
  it('defaults to the HTTP proxy', () => {
    expect(proxyVars({})._proxy_env_https).toBe(proxy);
  });
  it('takes proxy_env_https_proxy when given', () => {
    expect(proxyVars({ proxy_env_https_proxy: 'http://other:8080' })._proxy_env_https).toBe('http://other:8080');
  });
});

describe('proxy-env files', () => {
  const vars = proxyVars({ proxy_env_https_proxy: 'http://other:8080' });

  it('/etc/environment gets KEY="value" lines in both cases', () => {
    const task = roleTask('proxy-env', 'present.yml', 'proxy variables in /etc/environment (PAM reads KEY="value" lines)');
    const args = task.lineinfile as Vars;
    const lines = (task.loop as Vars[]).map((raw) => {
      const item = { key: raw.key, value: render(String(raw.value), vars) };
      expect(render(String(args.regexp), { ...vars, item })).toBe(`^${item.key}=`);
      return render(String(args.line), { ...vars, item });
    });
    expect(lines).toEqual([
      `HTTP_PROXY="${proxy}"`, `http_proxy="${proxy}"`,
      'HTTPS_PROXY="http://other:8080"', 'https_proxy="http://other:8080"',
      `NO_PROXY="${vars._proxy_env_no_proxy}"`, `no_proxy="${vars._proxy_env_no_proxy}"`,
    ]);
  });

  it('apt gets both Acquire lines', () => {
    const text = renderTemplate('proxy-env', 'apt-proxy.hbs', vars);
    expect(text).toContain(`Acquire::http::Proxy "${proxy}";`);
    expect(text).toContain('Acquire::https::Proxy "http://other:8080";');
  });

  it('the docker drop-in is a [Service] section with three Environment lines', () => {
    const lines = renderTemplate('proxy-env', 'docker-http-proxy.conf.hbs', vars).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([
      '[Service]',
      `Environment="HTTP_PROXY=${proxy}"`,
      'Environment="HTTPS_PROXY=http://other:8080"',
      `Environment="NO_PROXY=${vars._proxy_env_no_proxy}"`,
    ]);
  });

  it('the docker drop-in escapes systemd specifiers (a percent-encoded password), the other files keep the URL', () => {
    const secret = 'http://user:p%40ss%25w@10.99.0.1:3128';
    const v = proxyVars({ proxy_env_http_proxy: secret });
    const dropIn = renderTemplate('proxy-env', 'docker-http-proxy.conf.hbs', v);
    expect(dropIn).toContain('Environment="HTTP_PROXY=http://user:p%%40ss%%25w@10.99.0.1:3128"');
    expect(dropIn).toContain('Environment="HTTPS_PROXY=http://user:p%%40ss%%25w@10.99.0.1:3128"');
    expect(renderTemplate('proxy-env', 'apt-proxy.hbs', v)).toContain(`Acquire::http::Proxy "${secret}";`);
  });

  it('hides the tasks that carry the proxy URL when it holds credentials, and only then', () => {
    const decide = roleTask('proxy-env', 'present.yml', 'decide whether the proxy URLs hold credentials');
    const base = { ...roleDefaults('proxy-env'), ...labInventory('node1') };
    expect(applySetFact(decide, { ...base, proxy_env_http_proxy: proxy })._proxy_env_secret).toBe(false);
    expect(applySetFact(decide, { ...base, proxy_env_http_proxy: 'http://u:p@h:1' })._proxy_env_secret).toBe(true);
    expect(applySetFact(decide, { ...base, proxy_env_http_proxy: proxy, proxy_env_https_proxy: 'http://u:p@h:1' })._proxy_env_secret).toBe(true);
    for (const name of ['proxy variables in /etc/environment (PAM reads KEY="value" lines)', 'apt proxy file', 'docker daemon proxy drop-in',
      'proxy variables for K3s', 'proxy variables for RKE2', 'choose the HTTPS proxy and gather NO_PROXY entries', "read the docker unit's environment"]) {
      expect(roleTask('proxy-env', 'present.yml', name).no_log, name).toBe('{{ _proxy_env_secret }}');
    }
    for (const name of ['remove the proxy variables from /etc/environment', 'remove the proxy variables for K3s', 'remove the proxy variables for RKE2']) {
      expect(roleTask('proxy-env', 'absent.yml', name).no_log, name).toBe(true);
    }
  });

  it('state absent removes every key and file that state present writes', () => {
    const present = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy'];
    const absentEnv = roleTask('proxy-env', 'absent.yml', 'remove the proxy variables from /etc/environment');
    expect(absentEnv.loop).toEqual(present);
    for (const [p, a] of [['proxy variables for K3s', 'remove the proxy variables for K3s'], ['proxy variables for RKE2', 'remove the proxy variables for RKE2']]) {
      const written = (roleTask('proxy-env', 'present.yml', p).loop as Vars[]).map((i) => i.key);
      const removed = roleTask('proxy-env', 'absent.yml', a);
      expect(removed.loop).toEqual(written);
      expect((removed.lineinfile as Vars).path).toBe((roleTask('proxy-env', 'present.yml', p).lineinfile as Vars).path);
    }
    const dropin = (roleTask('proxy-env', 'present.yml', 'docker daemon proxy drop-in').template as Vars).dest;
    expect((roleTask('proxy-env', 'absent.yml', "remove docker's proxy drop-in").file as Vars).path).toBe(dropin);
    expect((roleTask('proxy-env', 'absent.yml', "remove apt's proxy file").file as Vars).path)
      .toBe((roleTask('proxy-env', 'present.yml', 'apt proxy file').template as Vars).dest);
  });
});
