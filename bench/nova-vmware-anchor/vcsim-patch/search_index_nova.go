package simulator

// nova-anchor addition: SearchIndex.FindAllByUuid (missing in govmomi 0.24.2's
// simulator; Nova looks VMs up with it when its vm_ref cache is cold, e.g. in
// destroy).  Same matching rules as the simulator's FindByUuid.

import (
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

func (s *SearchIndex) FindAllByUuid(req *types.FindAllByUuid) soap.HasFault {
	body := &methods.FindAllByUuidBody{Res: new(types.FindAllByUuidResponse)}

	Map.m.Lock()
	defer Map.m.Unlock()

	for ref, obj := range Map.objects {
		if req.VmSearch {
			vm, ok := asVirtualMachineMO(obj)
			if !ok || vm.Config == nil {
				continue
			}
			if req.InstanceUuid != nil && *req.InstanceUuid {
				if vm.Config.InstanceUuid == req.Uuid {
					body.Res.Returnval = append(body.Res.Returnval, ref)
				}
			} else if vm.Config.Uuid == req.Uuid {
				body.Res.Returnval = append(body.Res.Returnval, ref)
			}
		} else {
			host, ok := asHostSystemMO(obj)
			if ok && host.Summary.Hardware != nil && host.Summary.Hardware.Uuid == req.Uuid {
				body.Res.Returnval = append(body.Res.Returnval, ref)
			}
		}
	}

	return body
}
