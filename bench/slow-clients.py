#!/usr/bin/env python3
# Slow clients against a running slicer-api on this machine (127.0.0.1 only), run by hand:
#   bench/slow-clients.py N PORT body|headers
# opens N connections that each start an upload (body: headers sent, then a byte every 2 s of a 1 GB body;
# headers: the request line and one header, then a byte every 2 s) and, for 40 s, times a health request every 2 s.
# Prints how many connections the service still holds at the end and the health latencies. Stops by itself.
import socket, time, threading, urllib.request, sys
N=int(sys.argv[1]); port=int(sys.argv[2]); mode=sys.argv[3]  # body | headers
socks=[]; statuses={}
def opener(i):
    try:
        s=socket.create_connection(("127.0.0.1",port),timeout=5)
        if mode=="body":
            s.sendall(b"POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000000\r\n\r\nab")
        else:
            s.sendall(b"POST /api/v1/jobs HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    except Exception as e: statuses['connect-fail']=statuses.get('connect-fail',0)+1
ts=[threading.Thread(target=opener,args=(i,)) for i in range(N)]
[t.start() for t in ts]; [t.join() for t in ts]
t0=time.time(); lat=[]
while time.time()-t0<40:
    for s in list(socks):
        try: s.send(b"x")
        except Exception: socks.remove(s); statuses['closed']=statuses.get('closed',0)+1
    a=time.time()
    try:
        urllib.request.urlopen("http://127.0.0.1:%d/actuator/health"%port, timeout=10).read(); lat.append(time.time()-a)
    except Exception as e: lat.append(99)
    time.sleep(2)
print(mode, "connections", N, "still open after 40 s:", len(socks), statuses, "health latency ms: max %.0f median %.0f" % (max(lat)*1000, sorted(lat)[len(lat)//2]*1000))
