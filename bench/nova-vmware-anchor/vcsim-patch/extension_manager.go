package simulator

// nova-anchor addition: ExtensionManager.FindExtension / RegisterExtension.
// govmomi 0.24.2's simulator has an ExtensionManager object without methods;
// Nova's VMwareVCDriver registers an "org.openstack.compute" extension at
// start-up (driver._register_openstack_extension) and fails without these.

import (
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type ExtensionManager struct {
	mo.ExtensionManager
}

func (m *ExtensionManager) FindExtension(req *types.FindExtension) soap.HasFault {
	body := &methods.FindExtensionBody{Res: &types.FindExtensionResponse{}}
	for i := range m.ExtensionList {
		if m.ExtensionList[i].Key == req.ExtensionKey {
			e := m.ExtensionList[i]
			body.Res.Returnval = &e
		}
	}
	return body
}

func (m *ExtensionManager) RegisterExtension(req *types.RegisterExtension) soap.HasFault {
	for _, e := range m.ExtensionList {
		if e.Key == req.Extension.Key {
			return &methods.RegisterExtensionBody{Fault_: Fault("", &types.InvalidArgument{InvalidProperty: "extension.key"})}
		}
	}
	m.ExtensionList = append(m.ExtensionList, req.Extension)
	return &methods.RegisterExtensionBody{Res: new(types.RegisterExtensionResponse)}
}
