# An ansible-playbook stdout callback for the differential suite: one JSON line per host per task, in the shape the
# runner reads (ansible-core ships no json callback; the one in ansible.posix is not installed with it).
import json

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'stdout'
    CALLBACK_NAME = 'conformance'

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._handler = False

    def _line(self, obj):
        self._display.display(json.dumps(obj, default=str, sort_keys=True))

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._handler = False
        self._line({'type': 'task_start', 'name': task.get_name()})

    def v2_playbook_on_handler_task_start(self, task):
        self._handler = True
        self._line({'type': 'task_start', 'name': task.get_name(), 'handler': True})

    def _result(self, result, status):
        r = result._result
        out = {'type': 'host_result', 'task': result._task.get_name(), 'host': result._host.get_name(), 'status': status,
               'action': result._task.action}
        if result._task.action in ('debug', 'ansible.builtin.debug') and 'results' not in r and status in ('ok', 'changed'):
            keys = [k for k in r if not k.startswith('_') and k not in ('changed', 'failed', 'skipped', 'skip_reason')]
            if keys:
                out['debug'] = r[keys[0]]
        if 'msg' in r and status in ('failed', 'ignored'):
            out['msg'] = r['msg']
        self._line(out)

    def v2_runner_on_ok(self, result):
        self._result(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, 'ignored' if ignore_errors else 'failed')

    def v2_runner_on_skipped(self, result):
        self._result(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._result(result, 'unreachable')

    def v2_runner_on_async_failed(self, result):
        self._result(result, 'failed')

    def v2_playbook_on_stats(self, stats):
        # the recap, per host, in the runner's names
        names = {'ok': 'ok', 'changed': 'changed', 'unreachable': 'unreachable', 'failures': 'failed', 'skipped': 'skipped',
                 'rescued': 'rescued', 'ignored': 'ignored'}
        hosts = sorted(set(stats.processed))
        self._line({'type': 'recap', 'stats': {h: {names[k]: v for k, v in stats.summarize(h).items() if k in names} for h in hosts}})
