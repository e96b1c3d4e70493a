import asyncio
import os
import threading

HOST, PORT = "127.0.0.1", 2333

# 所有在线客户端的写入端。只有一个线程，所以不需要锁
clients = set()


async def broadcast(message, sender=None):
    """把一行字发给除 sender 以外的所有人。"""
    data = message.encode("utf-8")
    targets = [w for w in clients if w is not sender]
    for writer in targets:
        writer.write(data)  # 只是放进缓冲区，不会等
    # drain() 等缓冲区降到水位线以下。一起等，一个慢客户端不会挡住其他人的 write
    await asyncio.gather(*(w.drain() for w in targets), return_exceptions=True)


async def handle(reader, writer):
    # 每个连接一个协程（不是线程）：这里的 await 都是让出控制权，让别的协程先跑
    host, port = writer.get_extra_info("peername")
    name = f"{host}:{port}"
    clients.add(writer)
    print(
        f"{name} 加入（在线 {len(clients)} 人，线程数 {threading.active_count()}）",
        flush=True,
    )
    writer.write(f"* 欢迎 {name}，在线 {len(clients)} 人\n".encode("utf-8"))
    await broadcast(f"* {name} 加入了聊天室\n", sender=writer)
    try:
        # 分帧：一行一条消息。readline() 一直读到 \n 为止，消息被拆开、粘在一起都没关系
        while line := await reader.readline():
            text = line.decode("utf-8", errors="replace").rstrip("\r\n")
            print(f"{name}: {text}", flush=True)
            await broadcast(f"{name}: {text}\n", sender=writer)
        # readline() 返回 b""：对方关闭了连接
    except (ConnectionError, ValueError) as err:
        # ValueError：一行超过了 64 KiB（StreamReader 的默认上限），也断开这个客户端
        print(f"{name} 出错: {err!r}", flush=True)
    finally:
        clients.discard(writer)
        writer.close()
        print(f"{name} 离开（在线 {len(clients)} 人）", flush=True)
        await broadcast(f"* {name} 离开了聊天室\n")


async def main():
    # start_server 内部就是 bind + listen，每来一个连接就新建一个 handle 协程
    server = await asyncio.start_server(handle, HOST, PORT, reuse_address=True)
    print(f"聊天室（asyncio）已启动，正在监听 {HOST}:{PORT}，pid {os.getpid()}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("\n服务端已停止")
