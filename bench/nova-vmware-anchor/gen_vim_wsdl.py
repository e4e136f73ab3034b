#!/usr/bin/env python3
"""Generate a vSphere *vim* WSDL (vimService.wsdl + vim.wsdl + vim-messagetypes.xsd).

Why: python3-oslo.vmware 4.0.1 (Debian 12) ships only the PBM WSDL plus the
vim *data type* schemas (vim-types.xsd, core-types.xsd, query-types.xsd,
reflect-types.xsd).  It does not ship vimService.wsdl / vim.wsdl /
vim-messagetypes.xsd, and vcsim does not serve a WSDL.  suds (used by
oslo.vmware) needs a WSDL to build requests.

What this does:
  * copies the real VMware data-type schemas that oslo.vmware ships
    (wsdl/7.0/{core,query,reflect,vim}-types.xsd) unchanged;
  * generates the *method* layer (request types, request/response elements,
    messages, portType, binding, service) from govmomi 0.24.2's generated Go
    bindings (Debian golang-github-vmware-govmomi-dev, the same source vcsim
    is built from): vim25/methods/methods.go lists every method, and
    vim25/types/types.go holds each <Method>RequestType / <Method>Response
    struct with field order and xml tags (govmomi generates these from the
    real vim.wsdl, so field order / optionality / arrays match).

Usage: gen_vim_wsdl.py OUT_DIR
"""
import os
import re
import shutil
import sys

GOVMOMI = '/usr/share/gocode/src/github.com/vmware/govmomi/vim25'
OSLO_XSD = '/usr/lib/python3/dist-packages/oslo_vmware/wsdl/7.0'

PRIM = {
    'string': 'xsd:string', 'bool': 'xsd:boolean', 'int32': 'xsd:int',
    'int64': 'xsd:long', 'int16': 'xsd:short', 'byte': 'xsd:byte',
    'int8': 'xsd:byte', 'float32': 'xsd:float', 'float64': 'xsd:double',
    'time.Time': 'xsd:dateTime', 'AnyType': 'xsd:anyType',
    'types.AnyType': 'xsd:anyType',
}

FIELD_RE = re.compile(r'^\s+(\w+)\s+(\S+)\s+`xml:"([^"]*)"')


def parse_structs(src):
    structs = {}
    aliases = {}
    lines = src.split('\n')
    i = 0
    while i < len(lines):
        ln = lines[i]
        m = re.match(r'^type (\w+) struct \{\s*$', ln)
        if m:
            name = m.group(1)
            fields = []
            i += 1
            while not lines[i].startswith('}'):
                fm = FIELD_RE.match(lines[i])
                if fm:
                    fields.append((fm.group(1), fm.group(2), fm.group(3)))
                elif lines[i].strip() and not lines[i].strip().startswith('//'):
                    fields.append(('__embedded__', lines[i].strip(), ''))
                i += 1
            structs[name] = fields
        else:
            m = re.match(r'^type (\w+) (\w+)\s*$', ln)
            if m:
                aliases[m.group(1)] = m.group(2)
        i += 1
    return structs, aliases


def xsd_type(gotype, known):
    arr = False
    opt = False
    t = gotype
    if t.startswith('[]'):
        arr = True
        t = t[2:]
    if t.startswith('*'):
        opt = True
        t = t[1:]
    if t in PRIM:
        return PRIM[t], arr, opt
    if t.startswith('types.'):
        t = t[6:]
    if t.startswith('Base') and t[4:] in known:
        t = t[4:]
    if t not in known:
        raise KeyError(t)
    return 'vim25:' + t, arr, opt


def element(fname, tag, gotype, known, indent):
    parts = tag.split(',')
    name = parts[0]
    omitempty = 'omitempty' in parts[1:]
    xt, arr, opt = xsd_type(gotype, known)
    attrs = ['name="%s"' % name, 'type="%s"' % xt]
    if arr or omitempty or opt:
        attrs.append('minOccurs="0"')
    if arr:
        attrs.append('maxOccurs="unbounded"')
    return indent + '<element %s />' % ' '.join(attrs)


def main(out):
    os.makedirs(out, exist_ok=True)
    for f in ('core-types.xsd', 'query-types.xsd', 'reflect-types.xsd',
              'vim-types.xsd'):
        shutil.copy(os.path.join(OSLO_XSD, f), os.path.join(out, f))
    known = set()
    for f in ('core-types.xsd', 'query-types.xsd', 'vim-types.xsd'):
        with open(os.path.join(OSLO_XSD, f)) as fh:
            known.update(re.findall(r'<(?:complexType|simpleType) name="(\w+)"',
                                    fh.read()))
    with open(os.path.join(GOVMOMI, 'types/types.go')) as fh:
        structs, aliases = parse_structs(fh.read())
    with open(os.path.join(GOVMOMI, 'methods/methods.go')) as fh:
        methods = re.findall(r'Req\s+\*types\.(\w+)\s+`xml:"urn:vim25 (\w+),omitempty"`',
                             fh.read())
    msgtypes = []
    elems = []
    messages = []
    ops = []
    binds = []
    skipped = []
    done = set()
    for gotname, wsname in methods:
        if wsname in done:
            continue
        req_struct = gotname
        if req_struct not in structs:
            req_struct = aliases.get(gotname)
        if req_struct not in structs:
            skipped.append((wsname, 'no request struct'))
            continue
        res = structs.get(gotname + 'Response')
        if res is None:
            skipped.append((wsname, 'no response struct'))
            continue
        rtname = req_struct if req_struct.endswith('RequestType') else wsname + 'RequestType'
        try:
            body = ['   <complexType name="%s">' % rtname, '      <sequence>']
            for fname, gt, tag in structs[req_struct]:
                if fname == '__embedded__':
                    raise KeyError('embedded ' + gt)
                body.append(element(fname, tag, gt, known, '         '))
            body += ['      </sequence>', '   </complexType>']
            rbody = ['         <element name="%sResponse">' % wsname,
                     '            <complexType>', '               <sequence>']
            for fname, gt, tag in res:
                rbody.append(element(fname, tag, gt, known, '                  '))
            rbody += ['               </sequence>', '            </complexType>',
                      '         </element>']
        except KeyError as e:
            skipped.append((wsname, 'unknown type %s' % e))
            continue
        done.add(wsname)
        if rtname not in known:
            msgtypes += body
            known.add(rtname)
        elems.append('         <element name="%s" type="vim25:%s" />' % (wsname, rtname))
        elems += rbody
        messages.append('   <message name="%sRequestMsg"><part name="parameters" element="vim25:%s" /></message>' % (wsname, wsname))
        messages.append('   <message name="%sResponseMsg"><part name="parameters" element="vim25:%sResponse" /></message>' % (wsname, wsname))
        ops.append('      <operation name="%s"><input message="vim25:%sRequestMsg" /><output message="vim25:%sResponseMsg" /></operation>' % (wsname, wsname, wsname))
        binds.append('      <operation name="%s"><soap:operation soapAction="urn:vim25/6.5" /><input><soap:body use="literal" /></input><output><soap:body use="literal" /></output></operation>' % wsname)

    hdr = '<?xml version="1.0" encoding="UTF-8" ?>\n<!-- GENERATED by gen_vim_wsdl.py from govmomi 0.24.2 Go bindings; data types are oslo.vmware\'s copies of VMware\'s schemas -->\n'
    with open(os.path.join(out, 'vim-messagetypes.xsd'), 'w') as fh:
        fh.write(hdr + '<schema targetNamespace="urn:vim25" xmlns="http://www.w3.org/2001/XMLSchema" '
                 'xmlns:vim25="urn:vim25" xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
                 'elementFormDefault="qualified">\n   <include schemaLocation="vim-types.xsd" />\n'
                 + '\n'.join(msgtypes) + '\n</schema>\n')
    with open(os.path.join(out, 'vim.wsdl'), 'w') as fh:
        fh.write(hdr + '<definitions targetNamespace="urn:vim25" xmlns="http://schemas.xmlsoap.org/wsdl/" '
                 'xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:vim25="urn:vim25" '
                 'xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n'
                 '   <types>\n      <schema targetNamespace="urn:vim25" xmlns="http://www.w3.org/2001/XMLSchema" '
                 'xmlns:vim25="urn:vim25" xmlns:xsd="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified">\n'
                 '         <include schemaLocation="vim-types.xsd" />\n'
                 '         <include schemaLocation="vim-messagetypes.xsd" />\n'
                 + '\n'.join(elems) + '\n      </schema>\n   </types>\n'
                 + '\n'.join(messages) + '\n'
                 '   <portType name="VimPortType">\n' + '\n'.join(ops) + '\n   </portType>\n'
                 '   <binding name="VimBinding" type="vim25:VimPortType">\n'
                 '      <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http" />\n'
                 + '\n'.join(binds) + '\n   </binding>\n</definitions>\n')
    with open(os.path.join(out, 'vimService.wsdl'), 'w') as fh:
        fh.write(hdr + '<definitions targetNamespace="urn:vim25Service" xmlns="http://schemas.xmlsoap.org/wsdl/" '
                 'xmlns:interface="urn:vim25" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/">\n'
                 '   <import location="vim.wsdl" namespace="urn:vim25" />\n'
                 '   <service name="VimService">\n'
                 '      <port binding="interface:VimBinding" name="VimPort">\n'
                 '         <soap:address location="https://localhost/sdk/vimService" />\n'
                 '      </port>\n   </service>\n</definitions>\n')
    print('methods: %d generated, %d skipped' % (len(done), len(skipped)))
    for s in skipped:
        print('  skipped', s)


if __name__ == '__main__':
    main(sys.argv[1])
