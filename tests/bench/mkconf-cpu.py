#!/usr/bin/python3
"""Print the bench_vrrp_cpu.sh configuration: N VRRPv3 instances on eth0,
VRIDs 1..N, advert_int ADV, one VIP each from 198.18.1.0/24 (N <= 250).
The same file is read by had and by keepalived.

    mkconf-cpu.py NODE N ADV
"""
import sys

node, n, adv = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if not 1 <= n <= 250:
    sys.exit("instances must be 1..250")
print("! bench_vrrp_cpu.sh: %d VRRPv3 instances, advert_int %s, one VIP each."
      % (n, adv))
print("! Addresses from 198.18.0.0/15 only.")
print("global_defs {\n\trouter_id %s\n\tvrrp_version 3\n}" % node)
for i in range(1, n + 1):
    print("""
vrrp_instance VI_%d {
	state BACKUP
	interface eth0
	virtual_router_id %d
	priority 200
	advert_int %s
	virtual_ipaddress {
		198.18.1.%d/32 dev eth0
	}
}""" % (i, i, adv, i))
