#!/usr/bin/python3
"""Print the bench_vrrp_cpu.sh configuration: N VRRPv3 (or VRRPv2)
instances on eth0, VRIDs 1..N, advert_int ADV, one VIP each from
198.18.1.0/24 (N <= 250), with auth_type AUTH (NONE, or AH with the key
"hadbench") if given.  The same file is read by had and by keepalived.

    mkconf-cpu.py NODE N ADV [VERSION [AUTH]]
"""
import sys

node, n, adv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
version = sys.argv[4] if len(sys.argv) > 4 else "3"
auth = sys.argv[5].upper() if len(sys.argv) > 5 else "NONE"
if not 1 <= n <= 250:
    sys.exit("instances must be 1..250")
if version not in ("2", "3") or auth not in ("NONE", "AH"):
    sys.exit("version 2 or 3, auth NONE or AH")
authblock = ("""
	authentication {
		auth_type AH
		auth_pass hadbench
	}""" if auth == "AH" else "")
print("! bench_vrrp_cpu.sh: %d VRRPv%s instances, advert_int %s, auth %s, "
      "one VIP each." % (n, version, adv, auth))
print("! Addresses from 198.18.0.0/15 only.")
print("global_defs {\n\trouter_id %s\n\tvrrp_version %s\n}" % (node, version))
for i in range(1, n + 1):
    print("""
vrrp_instance VI_%d {
	state BACKUP
	interface eth0
	virtual_router_id %d
	priority 200
	advert_int %s%s
	virtual_ipaddress {
		198.18.1.%d/32 dev eth0
	}
}""" % (i, i, adv, authblock, i))
