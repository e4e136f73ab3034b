import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { activeImage, compute, waitForStatus } from '../compute/api/servers-test-fixtures.js'
import { createTestCloud, type TestCloud } from '../identity/testing.js'
import { memberOf } from '../network/api/l3-test-fixtures.js'
import { Vim25Session } from '../../virt/vmware/vim25/session.js'
import { retrieveByType } from '../../virt/vmware/vim25/property-collector.js'
import { child, list, num, text, xsiType } from '../../virt/vmware/vim25/soap.js'
import { startVcsim, vcsimBinary, type Vcsim } from '../../virt/vmware/vim25/testing.js'

const bin = vcsimBinary()

/**
 * The whole stack on one vCenter: Cinder API with the vmdk backend, Nova API
 * with the vSphere compute driver. A volume becomes a VMDK; attaching it adds
 * that disk to the server's VM (on a SCSI controller); detaching removes it.
 */
describe(
  'block storage on vCenter: vmdk backend + vsphere compute',
  { skip: bin ? false : 'vcsim not built' },
  () => {
    let vc: Vcsim
    let cloud: TestCloud
    let admin: string
    let member: { projectId: string; token: string }
    let soap: Vim25Session
    const v3 = (p: string) => `/volume/v3/${member.projectId}${p}`
    const volume = async (id: string, want: string) => {
      let v: Record<string, any> = {}
      for (let i = 0; i < 300; i++) {
        v = (await cloud.request('GET', v3(`/volumes/${id}`), { token: member.token })).body.volume
        if (v['status'] === want) return v
        if (String(v['status']).startsWith('error')) break
        await new Promise((r) => setTimeout(r, 50))
      }
      assert.fail(`volume ${id} is ${v['status']}, wanted ${want}`)
    }

    before(async () => {
      vc = await startVcsim(bin!)
      const [host, port] = vc.host.split(':') as [string, string]
      cloud = await createTestCloud({
        env: {
          NUBIS_COMPUTE__COMPUTE_DRIVER: 'vmwareapi.VMwareVCDriver',
          NUBIS_VMWARE__HOST_IP: host,
          NUBIS_VMWARE__HOST_PORT: port,
          NUBIS_VMWARE__HOST_USERNAME: 'user',
          NUBIS_VMWARE__HOST_PASSWORD: 'pass',
          NUBIS_VMWARE__INSECURE: 'true',
          NUBIS_VMWARE__CLUSTER_NAME: 'DC0_C0',
          NUBIS_VOLUME__ENABLED_BACKENDS: 'vmdk',
          NUBIS_VMDK__VOLUME_DRIVER: 'cinder.volume.drivers.vmware.vmdk.VMwareVcVmdkDriver',
          NUBIS_VMDK__VMWARE_HOST_IP: host,
          NUBIS_VMDK__VMWARE_HOST_PORT: port,
          NUBIS_VMDK__VMWARE_HOST_USERNAME: 'user',
          NUBIS_VMDK__VMWARE_HOST_PASSWORD: 'pass',
          NUBIS_VMDK__VMWARE_INSECURE: 'true',
        },
      })
      admin = await cloud.adminToken()
      member = await memberOf(cloud, admin, 'vmdk-e2e')
      soap = await Vim25Session.create({
        url: vc.url,
        username: 'user',
        password: 'pass',
        insecure: true,
      })
    })
    after(async () => {
      await soap?.close()
      await cloud?.close()
      await vc?.stop()
    })

    test('create, extend, attach to a vSphere server, detach, delete', async () => {
      // A type whose front-end QoS caps IOPS: the attached disk carries the limit in vCenter.
      const adminV3 = (path: string) => `/volume/v3/${cloud.bootstrap.adminProjectId}${path}`
      const qos = await cloud.request('POST', adminV3('/qos-specs'), {
        token: admin,
        body: { qos_specs: { name: 'iops-500', consumer: 'front-end', total_iops_sec: '500' } },
      })
      assert.equal(qos.status, 200, JSON.stringify(qos.body))
      const type = await cloud.request('POST', adminV3('/types'), {
        token: admin,
        body: { volume_type: { name: 'capped' } },
      })
      const assoc = await cloud.request(
        'GET',
        adminV3(
          `/qos-specs/${qos.body.qos_specs.id}/associate?vol_type_id=${type.body.volume_type.id}`,
        ),
        { token: admin },
      )
      assert.equal(assoc.status, 202)
      const c = await cloud.request('POST', v3('/volumes'), {
        token: member.token,
        body: { volume: { size: 1, name: 'data', volume_type: 'capped' } },
      })
      assert.equal(c.status, 202, JSON.stringify(c.body))
      const id = c.body.volume.id as string
      const v = await volume(id, 'available')
      assert.equal(v['os-vol-host-attr:host'], undefined, 'members do not see the host')
      const ext = await cloud.request('POST', v3(`/volumes/${id}/action`), {
        token: member.token,
        body: { 'os-extend': { new_size: 2 } },
      })
      assert.equal(ext.status, 202, JSON.stringify(ext.body))
      assert.equal((await volume(id, 'available'))['size'], 2)

      const image = await activeImage(cloud, admin, { disk_format: 'vmdk' })
      const req = compute(cloud)
      const boot = await req(
        'POST',
        '/servers',
        member.token,
        { server: { name: 'vmdk-vm', imageRef: image, flavorRef: '1', networks: 'none' } },
        '2.37',
      )
      assert.equal(boot.status, 202, JSON.stringify(boot.body))
      const server = boot.body.server.id as string
      const s = await waitForStatus(cloud, member.token, server, ['ACTIVE', 'ERROR'])
      assert.equal(s?.status, 'ACTIVE', JSON.stringify(s))

      const att = await req('POST', `/servers/${server}/os-volume_attachments`, member.token, {
        volumeAttachment: { volumeId: id },
      })
      assert.equal(att.status, 200, JSON.stringify(att.body))
      await volume(id, 'in-use')
      const vmDisks = async () => {
        const [vm] = (
          await retrieveByType(soap, soap.content.rootFolder, 'VirtualMachine', [
            'config.instanceUuid',
            'config.hardware.device',
          ])
        ).filter((x) => text(x.props.get('config.instanceUuid')) === server)
        const devs = list(child(vm?.props.get('config.hardware.device'), 'VirtualDevice'))
        const controllers = new Map(devs.map((d) => [num(child(d, 'key')), d]))
        return devs
          .map((d) => ({
            file: text(child(child(d, 'backing'), 'fileName')),
            controller: xsiType(controllers.get(num(child(d, 'controllerKey')))),
            iopsLimit: num(child(child(d, 'storageIOAllocation'), 'limit')),
          }))
          .filter((d) => d.file?.includes(`volume-${id}`))
      }
      const attached = await vmDisks()
      assert.equal(attached.length, 1, 'the VM gained the volume disk')
      assert.equal(attached[0]?.file, `[LocalDS_0] Volumes/volume-${id}/volume-${id}.vmdk`)
      assert.equal(
        attached[0]?.iopsLimit,
        500,
        'front-end QoS total_iops_sec as the disk IOPS limit',
      )

      const det = await req(
        'DELETE',
        `/servers/${server}/os-volume_attachments/${id}`,
        member.token,
      )
      assert.equal(det.status, 202)
      await volume(id, 'available')
      assert.equal((await vmDisks()).length, 0, 'detached from the VM')
      const del = await cloud.request('DELETE', v3(`/volumes/${id}`), { token: member.token })
      assert.equal(del.status, 202)
      for (let i = 0; i < 200; i++) {
        const r = await cloud.request('GET', v3(`/volumes/${id}`), { token: member.token })
        if (r.status === 404) break
        await new Promise((res) => setTimeout(res, 50))
      }
      assert.equal(
        (await cloud.request('GET', v3(`/volumes/${id}`), { token: member.token })).status,
        404,
      )
    })
  },
)
