"""Drives the broker with redis-py at its default settings (RESP3: it opens
with HELLO 3): pipelines, streams and consumer groups, a blocking
XREADGROUP woken by an XADD from another client, pub/sub with channels and
patterns. Prints one line per check; tests/broker_e2e.rs compares them.

    python redis_py.py PORT
"""
import sys
import threading
import time

import redis

port = int(sys.argv[1])
r = redis.Redis(port=port, socket_timeout=10)
print("ping", r.ping())
print("hello", r.execute_command("HELLO")[b"proto"])

pipe = r.pipeline(transaction=False)
for i in range(1, 6):
    pipe.xadd("orders", {"n": str(i)}, id=f"{i}-0")
pipe.xlen("orders")
print("pipeline", pipe.execute())

print("xrange", r.xrange("orders", "2", "3"))
print("xrevrange", r.xrevrange("orders", count=1))
print("create", r.xgroup_create("orders", "workers", id="0"))
try:
    r.xgroup_create("orders", "workers", id="0")
except redis.ResponseError as e:
    print("busygroup", e)
print("read a", r.xreadgroup("workers", "a", {"orders": ">"}, count=2))
print("read b", r.xreadgroup("workers", "b", {"orders": ">"}, count=2))
print("ack", r.xack("orders", "workers", "1-0", "3-0"))
print("pending", r.xpending("orders", "workers"))
print("pending range", [(p["message_id"], p["consumer"], p["times_delivered"])
                        for p in r.xpending_range("orders", "workers", "-", "+", 10)])
print("replay a", r.xreadgroup("workers", "a", {"orders": "0"}))
print("claim", r.xclaim("orders", "workers", "b", 0, ["2-0"], justid=True))
print("autoclaim", r.xautoclaim("orders", "workers", "c", 0, "0-0", count=10, justid=True))
print("groups", [(g["name"], g["consumers"], g["pending"], g["last-delivered-id"])
                 for g in r.xinfo_groups("orders")])

# A blocking read, woken by an XADD from another connection.
def later():
    time.sleep(0.3)
    redis.Redis(port=port).xadd("orders", {"n": "6"}, id="6-0")

r.xreadgroup("workers", "a", {"orders": ">"})  # drain what is left (5-0)
threading.Thread(target=later).start()
start = time.monotonic()
got = r.xreadgroup("workers", "a", {"orders": ">"}, block=5000)
print("blocked read", got, "woken", 0.2 < time.monotonic() - start < 4)
print("block timeout", r.xreadgroup("workers", "a", {"orders": ">"}, block=100))
print("xread", r.xread({"orders": "5-0"}))

p = r.pubsub()
p.subscribe("news")
print("sub", p.get_message(timeout=5))
p.psubscribe("n*")
print("psub", p.get_message(timeout=5))
print("publish", r.publish("news", "hello"))
print("msg", p.get_message(timeout=5))
print("pmsg", p.get_message(timeout=5))
print("channels", r.pubsub_channels(), r.pubsub_numsub("news", "none"))
p.close()
print("info", {k: v for k, v in r.info("broker").items() if k in ("streams", "entries_added", "entries_delivered")})
print("delete", r.delete("orders"), r.exists("orders"))
