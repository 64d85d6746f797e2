import { quote } from '../../connection/shell';
import { keyValues } from './exec';

/** How services are managed on the host. */
export type InitSystem =
  /** systemd is running (/run/systemd/system exists) */
  | 'systemd'
  /** no systemd: /etc/init.d scripts through `service`, boot links through update-rc.d or chkconfig */
  | 'sysv';

/** A service's current state, read in one round trip. */
export interface ServiceState {
  init: InitSystem;
  exists: boolean;
  running: boolean;
  enabled: boolean;
  masked: boolean;
  /** systemd's is-enabled word (enabled, disabled, static, masked...) or 'enabled'/'disabled' for sysv. */
  enabledWord: string;
  /** systemd's ActiveState word, or 'active'/'inactive' from `service X status`. */
  activeWord: string;
  /** What changes boot links without systemd; undefined when neither tool exists. */
  bootTool?: 'update-rc.d' | 'chkconfig';
}

const RUNNING = new Set(['active', 'reloading', 'activating', 'refreshing']);
/** is-enabled words meaning "starts at boot" or "cannot be enabled by itself", as `systemctl is-enabled` exits 0 for them. */
const ENABLED = new Set(['enabled', 'enabled-runtime', 'alias', 'static', 'indirect', 'generated', 'linked', 'linked-runtime', 'transient']);

/** The script that reads the init system and the service's active, enabled and load state. */
export function serviceReadScript(name: string, userScope = false): string {
  const n = quote(name);
  const sc = `systemctl${userScope ? ' --user' : ''}`;
  return [
    'if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then',
    '  echo init=systemd',
    `  echo "load=$(${sc} show -p LoadState --value -- ${n} 2>/dev/null)"`,
    `  echo "active=$(${sc} is-active -- ${n} 2>/dev/null)"`,
    `  echo "enabled=$(${sc} is-enabled -- ${n} 2>/dev/null)"`,
    'else',
    '  echo init=sysv',
    `  [ -x /etc/init.d/${n} ] && echo load=loaded || echo load=not-found`,
    `  if command -v service >/dev/null 2>&1; then service ${n} status >/dev/null 2>&1; else /etc/init.d/${n} status >/dev/null 2>&1; fi`,
    '  [ $? -eq 0 ] && echo active=active || echo active=inactive',
    `  ls /etc/rc[2345].d/S[0-9][0-9]${n} >/dev/null 2>&1 && echo enabled=enabled || echo enabled=disabled`,
    '  if command -v update-rc.d >/dev/null 2>&1; then echo boot=update-rc.d; elif command -v chkconfig >/dev/null 2>&1; then echo boot=chkconfig; fi',
    'fi',
  ].join('\n');
}

/** Parses serviceReadScript's output. */
export function parseServiceState(out: string): ServiceState {
  const kv = keyValues(out);
  const load = kv.get('load') ?? '';
  const enabledWord = kv.get('enabled') || (load === 'not-found' ? 'not-found' : 'disabled');
  const activeWord = kv.get('active') || 'inactive';
  const boot = kv.get('boot');
  return {
    init: kv.get('init') === 'systemd' ? 'systemd' : 'sysv',
    exists: load !== '' && load !== 'not-found',
    running: RUNNING.has(activeWord),
    enabled: ENABLED.has(enabledWord),
    masked: load === 'masked' || enabledWord.startsWith('masked'),
    enabledWord,
    activeWord,
    bootTool: boot === 'update-rc.d' || boot === 'chkconfig' ? boot : undefined,
  };
}
