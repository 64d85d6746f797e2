import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { TsrunError } from '../core/errors';

/** Repository and tag of the small image every lab registry holds. */
export const LAB_IMAGE = { repo: 'lab/hello', tag: 'latest' };

const MANIFEST_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A one-layer image built without a docker engine: a reproducible tar of one static file. */
async function buildLayer(): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'tsrun-image-'));
  try {
    mkdirSync(join(dir, 'etc'));
    writeFileSync(join(dir, 'hello.txt'), 'hello from the tsrun lab registry\n');
    writeFileSync(join(dir, 'etc/os-release'), 'NAME="tsrun lab image"\nID=tsrun-lab\n');
    const r = await execa('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', dir, '-cf', '-', '.'], {
      encoding: 'buffer',
    });
    return Buffer.from(r.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds the lab image and pushes it through the registry HTTP API v2 (blobs, then the manifest); returns its reference. */
export async function pushLabImage(registry: string): Promise<string> {
  const base = `http://${registry}/v2/${LAB_IMAGE.repo}`;
  const tar = await buildLayer();
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }),
  );
  await uploadBlob(base, layer);
  await uploadBlob(base, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: sha256(config) },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: sha256(layer) }],
  };
  const res = await fetch(`${base}/manifests/${LAB_IMAGE.tag}`, {
    method: 'PUT',
    headers: { 'content-type': MANIFEST_TYPE },
    body: JSON.stringify(manifest),
  });
  await expectStatus(res, 201, 'PUT manifest');
  return `${registry}/${LAB_IMAGE.repo}:${LAB_IMAGE.tag}`;
}

/** Uploads one blob in a single PUT, unless the registry already has it. */
async function uploadBlob(base: string, blob: Buffer): Promise<void> {
  const digest = sha256(blob);
  if ((await fetch(`${base}/blobs/${digest}`, { method: 'HEAD' })).status === 200) return;
  const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST' });
  await expectStatus(start, 202, 'start blob upload');
  const url = new URL(start.headers.get('location') ?? '', base);
  url.searchParams.set('digest', digest);
  const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array(blob) });
  await expectStatus(put, 201, `PUT blob ${digest}`);
}

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status) {
    throw new TsrunError('INTERNAL', `lab registry: ${what} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
}
