#!/usr/bin/python3
"""Anchor: SOAP round trips + wall time of OpenStack Nova's own VMware driver
(nova.virt.vmwareapi.driver.VMwareVCDriver, Debian python3-nova 26.2.2) per
server spawn and per destroy, against vcsim.

Run with Debian's interpreter (python3-nova is installed there):
    /usr/bin/python3 bench/nova-vmware-anchor/measure.py [--boots 20] [--skip-concurrency]

Everything vSphere-side is the real driver + real oslo.vmware + suds talking
SOAP to vcsim.  Shims (see README.md): Glance API object -> in-memory fake;
Instance.save -> no-op; generated vim WSDL (oslo.vmware doesn't ship one);
vcsim with two small patches; ESX host names (DC0_C0_H*) resolve to 127.0.0.1.
"""
import nova.monkey_patch  # noqa: F401  (same eventlet monkey patching nova-compute does)

import argparse
import collections
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_ID = '6d2b6c1e-1b3a-4f7e-9c55-0b1a1e2f3a4b'
IMAGE_SIZE = 1 << 20
TASK_POLL_INTERVAL = 0.5   # nova's default [vmware] task_poll_interval
DELAY_ARGS = ['-delay', '50', '-method-delay',
              'CreateVM_Task:2000,CopyVirtualDisk_Task:2000']

# --------------------------------------------------------------------------
# counting
# --------------------------------------------------------------------------
_lock = threading.Lock()
SOAP = collections.Counter()
HTTP_OTHER = collections.Counter()
TASK_POLLS = collections.Counter()
TASK_RE = re.compile(rb'<(?:[\w-]+:)?obj type="Task"')
BODY_RE = re.compile(rb'<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?(\w+)')


def _install_counters():
    from oslo_vmware import service
    orig_send = service.RequestsTransport.send

    def send(self, request):
        msg = request.message
        if isinstance(msg, str):
            msg = msg.encode()
        m = BODY_RE.search(msg or b'')
        name = m.group(1).decode() if m else '?'
        with _lock:
            SOAP[name] += 1
            # oslo.vmware's wait_for_task polls Task.info with RetrievePropertiesEx
            if name == 'RetrievePropertiesEx' and TASK_RE.search(msg):
                TASK_POLLS['RetrievePropertiesEx(Task.info)'] += 1
        if name in os.environ.get('NOVA_ANCHOR_DUMP', '').split(','):
            with open('/tmp/nova-anchor-dump-%s.xml' % name, 'ab') as f:
                f.write(msg + b'\n')
        return orig_send(self, request)
    service.RequestsTransport.send = send

    # Non-SOAP HTTP (datastore /folder PUT/GET of image bytes).  requests
    # also goes through http.client, so skip its /sdk POSTs (counted above).
    orig_put = http.client.HTTPConnection.putrequest

    def putrequest(self, method, url, *a, **kw):
        self._anchor_key = None
        if not url.startswith('/sdk') and not url.endswith('.wsdl'):
            self._anchor_key = '%s /%s' % (method, url.split('?')[0].split('/')[1])
            with _lock:
                HTTP_OTHER[self._anchor_key] += 1
        return orig_put(self, method, url, *a, **kw)
    http.client.HTTPConnection.putrequest = putrequest

    orig_getresponse = http.client.HTTPConnection.getresponse

    def getresponse(self, *a, **kw):
        resp = orig_getresponse(self, *a, **kw)
        key = getattr(self, '_anchor_key', None)
        if key:
            with _lock:
                HTTP_OTHER['%s -> HTTP %d' % (key, resp.status)] += 1
        return resp
    http.client.HTTPConnection.getresponse = getresponse


def snapshot():
    with _lock:
        return (collections.Counter(SOAP), collections.Counter(HTTP_OTHER),
                collections.Counter(TASK_POLLS))


def diff(before, after):
    s = after[0] - before[0]
    h = after[1] - before[1]
    return {
        'soap_calls': sum(s.values()),
        'soap_by_method': dict(sorted(s.items(), key=lambda kv: (-kv[1], kv[0]))),
        'task_info_polls': sum((after[2] - before[2]).values()),
        'other_http': dict(h),
    }


def measure(name, fn, out):
    b = snapshot()
    t0 = time.monotonic()
    err = None
    try:
        fn()
    except Exception as e:  # record and go on
        import traceback
        traceback.print_exc()
        err = '%s: %s' % (type(e).__name__, str(e)[:500])
    ms = round((time.monotonic() - t0) * 1000)
    r = diff(b, snapshot())
    r['wall_ms'] = ms
    if err:
        r['error'] = err
    out[name] = r
    print('%-28s soap=%-4d wall=%6d ms %s' % (name, r['soap_calls'], ms,
          ('ERROR ' + err) if err else ''), flush=True)
    return r


# --------------------------------------------------------------------------
# environment shims
# --------------------------------------------------------------------------
def _dns_shim():
    # vcsim's HostSystem names (DC0_C0_H0 ...) are what Nova uses as the ESX
    # host to PUT image bytes to; in vcsim every "host" is the simulator itself.
    import _socket
    import urllib3.util.connection as u3c
    for mod in {id(m): m for m in (_socket, socket, u3c.socket)}.values():
        orig = mod.getaddrinfo

        def getaddrinfo(host, *a, _orig=orig, **kw):
            if isinstance(host, str) and host.startswith('DC0_'):
                host = '127.0.0.1'
            return _orig(host, *a, **kw)
        mod.getaddrinfo = getaddrinfo


def _wsdl_shim():
    # Nova 26 has no [vmware] wsdl_location option any more: oslo.vmware then
    # fetches https://<vc>/sdk/vimService.wsdl, which vcsim does not serve and
    # python3-oslo.vmware does not ship.  Point oslo.vmware's Vim at the
    # generated WSDL (gen_vim_wsdl.py) instead.
    wdir = os.environ.get('NOVA_ANCHOR_WSDL_DIR', '/tmp/nova-anchor-wsdl')
    wsdl = os.path.join(wdir, 'vimService.wsdl')
    if not os.path.exists(wsdl):
        subprocess.check_call([sys.executable, os.path.join(HERE, 'gen_vim_wsdl.py'),
                               wdir], stdout=subprocess.DEVNULL)
    from oslo_vmware import vim
    orig = vim.Vim.__init__

    def __init__(self, *a, **kw):
        if kw.get('wsdl_url') is None:
            kw['wsdl_url'] = 'file://' + wsdl
        orig(self, *a, **kw)
    vim.Vim.__init__ = __init__


class FakeGlance(object):
    """Replaces nova.image.glance.API() (images.IMAGE_API) only."""

    def __init__(self, data, meta):
        self.data = data
        self.meta = meta
        self.calls = collections.Counter()

    def get(self, context, image_id, include_locations=False,
            show_deleted=True):
        self.calls['get'] += 1
        d = dict(self.meta)
        if include_locations:
            d['locations'] = []
        return d

    def download(self, context, image_id, data=None, dest_path=None,
                 trusted_certs=None):
        self.calls['download'] += 1
        return iter([self.data[i:i + 65536]
                     for i in range(0, len(self.data), 65536)])


def make_flat_vmdk():
    """1 MiB preallocated (monolithicFlat) vmdk made by qemu-img; Glance stores
    the -flat extent for disk_type=preallocated, so that is the image body."""
    d = '/tmp/nova-anchor-img'
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, 'bench.vmdk')
    if not os.path.exists(os.path.join(d, 'bench-flat.vmdk')):
        subprocess.check_call(['qemu-img', 'create', '-q', '-f', 'vmdk', '-o',
                               'subformat=monolithicFlat', p, '1M'])
    with open(os.path.join(d, 'bench-flat.vmdk'), 'rb') as f:
        data = f.read()
    assert len(data) == IMAGE_SIZE, len(data)
    return data


# --------------------------------------------------------------------------
# vcsim
# --------------------------------------------------------------------------
def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_vcsim(extra, port):
    binary = subprocess.check_output(
        [os.path.join(HERE, 'vcsim-patch', 'build.sh')]).decode().strip().splitlines()[-1]
    log = open('/tmp/nova-anchor-vcsim-%d.log' % len(extra), 'w')
    p = subprocess.Popen([binary, '-l', '127.0.0.1:%d' % port, '-cluster', '1',
                          '-host', '3'] + extra, stdout=subprocess.PIPE,
                         stderr=log, start_new_session=True)
    port = None
    for line in p.stdout:
        line = line.decode()
        m = re.match(r'VCSIM_URL=https://127\.0\.0\.1:(\d+)', line)
        if m:
            port = int(m.group(1))
            break
    threading.Thread(target=lambda: [None for _ in p.stdout], daemon=True).start()
    print('vcsim pid=%d port=%s args=%s' % (p.pid, port, ' '.join(extra)), flush=True)
    return p, port


def stop_vcsim(p):
    p.terminate()
    try:
        p.wait(10)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


# --------------------------------------------------------------------------
# nova
# --------------------------------------------------------------------------
def configure(port):
    import nova.conf
    CONF = nova.conf.CONF
    CONF([], project='nova', default_config_files=[])
    o = CONF.set_override
    o('host_ip', '127.0.0.1', 'vmware')
    o('host_port', port, 'vmware')
    o('host_username', 'user', 'vmware')
    o('host_password', 'pass', 'vmware')
    o('insecure', True, 'vmware')
    o('cluster_name', 'DC0_C0', 'vmware')
    o('task_poll_interval', TASK_POLL_INTERVAL, 'vmware')
    o('use_linked_clone', False, 'vmware')
    o('api_retry_count', 2, 'vmware')
    o('instances_path', '/tmp/nova-anchor-instances')
    from oslo_concurrency import lockutils
    lockutils.set_defaults('/tmp/nova-anchor-locks')
    # VMwareVMOps() builds a nova.compute.api.API(), which wants an RPC
    # transport; the in-memory oslo.messaging 'fake' driver (no broker) is used.
    import oslo_messaging
    from oslo_messaging import transport as om_transport
    CONF.register_opts(om_transport._transport_opts)
    o('transport_url', 'fake:/')
    from nova import rpc
    rpc.init(CONF)
    return CONF


class FakeVirtAPI(object):
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--boots', type=int, default=20)
    ap.add_argument('--in-flight', type=int, default=10)
    ap.add_argument('--skip-concurrency', action='store_true')
    ap.add_argument('--only', choices=['nodelay', 'delay'])
    ap.add_argument('--out', default=os.path.join(HERE, 'results.json'))
    args = ap.parse_args()

    if not args.only:
        # One process per vcsim: Nova keeps module-level caches (folder refs,
        # vm refs) that would point into the previous simulator.
        rc = 0
        for name in ('nodelay', 'delay'):
            cmd = [sys.executable, os.path.abspath(__file__), '--only', name,
                   '--boots', str(args.boots), '--in-flight', str(args.in_flight),
                   '--out', args.out]
            if args.skip_concurrency:
                cmd.append('--skip-concurrency')
            rc |= subprocess.call(cmd)
        sys.exit(rc)

    import logging
    import warnings
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings('ignore', message='Unverified HTTPS request')

    _install_counters()
    _dns_shim()
    _wsdl_shim()
    # nova.virt.vmwareapi.session binds CONF.vmware.* as default arguments at
    # import time, so configure before importing the driver and keep one port.
    port = free_port()
    CONF = configure(port)

    from nova import context as nova_context
    from nova import objects
    from nova.virt.vmwareapi import driver as vmdriver
    from nova.virt.vmwareapi import images
    from nova.virt.vmwareapi import vm_util
    import nova
    import oslo_vmware
    objects.register_all()

    objects.Instance.save = lambda self, *a, **kw: None   # DB no-op

    data = make_flat_vmdk()
    img_props = {'vmware_disktype': 'preallocated',
                 'vmware_adaptertype': 'lsiLogic'}
    meta = {'id': IMAGE_ID, 'name': 'bench', 'status': 'active',
            'disk_format': 'vmdk', 'container_format': 'bare',
            'size': IMAGE_SIZE, 'min_disk': 0, 'min_ram': 0,
            'properties': img_props}
    glance = FakeGlance(data, meta)
    images.IMAGE_API = glance

    import pkg_resources
    results = {
        'what': "Nova VMwareVCDriver SOAP round trips per operation against vcsim",
        'versions': {
            'python3-nova': subprocess.check_output(['dpkg-query', '-W', '-f=${Version}', 'python3-nova']).decode(),
            'python3-oslo.vmware': subprocess.check_output(['dpkg-query', '-W', '-f=${Version}', 'python3-oslo.vmware']).decode(),
            'python3-suds': subprocess.check_output(['dpkg-query', '-W', '-f=${Version}', 'python3-suds']).decode(),
            'vcsim': 'govmomi 0.24.2 simulator (Debian) + shared/tools/vcsim launcher + vcsim-patch/*.patch',
        },
        'config': {'task_poll_interval_s': TASK_POLL_INTERVAL,
                   'image': '1 MiB preallocated (monolithicFlat) vmdk, lsiLogic, uploaded by HTTP PUT (Nova default path)',
                   'flavor': 'vcpus=1 memory_mb=128 root_gb=1', 'network_info': [],
                   'vcsim': '-cluster 1 -host 3'},
        'runs': {},
    }
    if os.path.exists(args.out):
        try:
            old = json.load(open(args.out))
            results['runs'] = old.get('runs', {})
        except Exception:
            pass

    def save():
        with open(args.out, 'w') as f:
            json.dump(results, f, indent=2)

    runs = [('nodelay', []), ('delay', DELAY_ARGS)]
    if args.only:
        runs = [r for r in runs if r[0] == args.only]

    for run_name, extra in runs:
        vc, _ = start_vcsim(extra, port)
        run = {'vcsim_args': ' '.join(['-cluster', '1', '-host', '3'] + extra)}
        results['runs'][run_name] = run
        try:
            ctx = nova_context.RequestContext(user_id='bench-user',
                                              project_id='bench-project')
            holder = {}

            def startup():
                d = vmdriver.VMwareVCDriver(FakeVirtAPI())
                d.init_host('bench-host')
                holder['nodes'] = d.get_available_nodes()
                holder['driver'] = d
            measure('startup(ctor+init_host+get_available_nodes)', startup, run)
            drv = holder['driver']
            node = holder['nodes'][0]
            measure('startup.get_available_resource',
                    lambda: drv.get_available_resource(node), run)

            image_meta = objects.ImageMeta.from_dict(dict(meta))

            def mk_instance():
                u = str(uuid.uuid4())
                flavor = objects.Flavor(name='m1.bench', flavorid='bench',
                                        vcpus=1, memory_mb=128, root_gb=1,
                                        ephemeral_gb=0, swap=0,
                                        extra_specs={})
                return objects.Instance(
                    context=ctx, uuid=u, id=abs(hash(u)) % 100000,
                    image_ref=IMAGE_ID, vcpus=1, memory_mb=128, root_gb=1,
                    ephemeral_gb=0, flavor=flavor, project_id='bench-project',
                    user_id='bench-user', display_name='bench-' + u[:8],
                    hostname='bench-' + u[:8], config_drive='', metadata={},
                    system_metadata={}, node=node, host='bench-host',
                    vm_state='building', task_state='spawning',
                    power_state=0, key_data=None, availability_zone=None,
                    os_type=None, launched_at=None, deleted=False)

            def spawn(inst):
                drv.spawn(ctx, inst, image_meta, injected_files=[],
                          admin_password=None, allocations={},
                          network_info=[], block_device_info=None)

            def destroy(inst):
                drv.destroy(ctx, inst, network_info=[],
                            block_device_info=None, destroy_disks=True)

            def check(inst, r):
                # outside the measured window: the VM must exist and be running
                try:
                    r['after_get_info_power_state'] = drv.get_info(inst).state
                except Exception as e:
                    r['after_get_info_power_state'] = '%s: %s' % (type(e).__name__, e)

            i1, i2, i3, i4 = (mk_instance(), mk_instance(), mk_instance(),
                              mk_instance())
            CONF.set_override('use_linked_clone', False, 'vmware')
            check(i1, measure('spawn_uncached_fullcopy', lambda: spawn(i1), run))
            # nova's compute manager reads the power state right after spawn
            measure('get_info(after spawn, by compute manager)',
                    lambda: drv.get_info(i1), run)
            check(i2, measure('spawn_cached_fullcopy', lambda: spawn(i2), run))
            CONF.set_override('use_linked_clone', True, 'vmware')
            # first linked clone for this (image, root_gb) also makes Nova's
            # one-off resized copy <image>.<root_gb>.vmdk; the second does not
            check(i3, measure('spawn_cached_linked', lambda: spawn(i3), run))
            check(i4, measure('spawn_cached_linked_warm', lambda: spawn(i4), run))
            CONF.set_override('use_linked_clone', False, 'vmware')
            measure('destroy', lambda: destroy(i1), run)
            # a destroy with an empty vm_ref cache (e.g. after nova-compute restart)
            vm_util.vm_refs_cache_reset()
            measure('destroy_cold_vmref_cache', lambda: destroy(i2), run)
            measure('destroy_linked', lambda: destroy(i3), run)
            measure('destroy_linked_2', lambda: destroy(i4), run)
            for inst, name in ((i1, 'destroy'), (i3, 'destroy_linked')):
                try:
                    drv.get_info(inst)
                    run[name]['after_vm_gone'] = False
                except Exception as e:
                    run[name]['after_vm_gone'] = type(e).__name__
            save()

            if run_name == 'delay' and not args.skip_concurrency:
                import eventlet
                CONF.set_override('use_linked_clone', True, 'vmware')
                insts = [mk_instance() for _ in range(args.boots)]
                errs = []
                queue = list(insts)

                def worker():
                    while queue:
                        inst = queue.pop(0)
                        try:
                            spawn(inst)
                        except Exception as e:
                            errs.append('%s: %s' % (type(e).__name__, str(e)[:200]))

                def run_conc():
                    pool = [eventlet.spawn(worker) for _ in range(args.in_flight)]
                    for g in pool:
                        g.wait()
                r = measure('concurrent_linked_spawns', run_conc, run)
                r['boots'] = args.boots
                r['in_flight'] = args.in_flight
                r['errors'] = errs
                ok = args.boots - len(errs)
                r['boots_per_minute'] = round(ok / (r['wall_ms'] / 1000.0) * 60, 1)
                r['soap_calls_per_boot'] = round(r['soap_calls'] / max(ok, 1), 1)
                print('boots/min (%d in flight): %s  errors=%d' % (
                    args.in_flight, r['boots_per_minute'], len(errs)), flush=True)
                save()
            try:
                drv.cleanup_host('bench-host')
            except Exception:
                pass
        finally:
            stop_vcsim(vc)
            print('vcsim pid=%d stopped' % vc.pid, flush=True)
        run['glance_fake_calls'] = dict(glance.calls)
        save()
    print(json.dumps(results['runs'], indent=1))


if __name__ == '__main__':
    main()
