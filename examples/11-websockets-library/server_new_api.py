"""同一个聊天室，用 websockets ≥ 14 的新 asyncio 实现写（现在文档里的默认写法）。

在这个实验环境里（websockets 10.4）运行会失败：
ModuleNotFoundError: No module named 'websockets.asyncio'
websockets.asyncio 是 13.0 才加的，14.0 起成为默认实现。
"""
import asyncio

from websockets.asyncio.server import broadcast, serve
from websockets.exceptions import ConnectionClosedError

HOST, PORT = "127.0.0.1", 8765
CLIENTS = set()


async def handler(websocket):
    """只有一个参数：路径在 websocket.request.path 里"""
    name = "%s:%d" % websocket.remote_address[:2]
    path = websocket.request.path
    user_agent = websocket.request.headers.get("User-Agent", "?")
    CLIENTS.add(websocket)
    print(f"{name} 加入（路径 {path}，User-Agent: {user_agent}），在线 {len(CLIENTS)} 人", flush=True)
    broadcast(CLIENTS, f"*** {name} 加入了聊天室，在线 {len(CLIENTS)} 人")
    try:
        async for message in websocket:
            if isinstance(message, bytes):  # 二进制消息
                message = "(binary) " + message.hex()
            print(f"{name}: {message}", flush=True)
            broadcast(CLIENTS, f"{name}: {message}")
    except ConnectionClosedError:
        pass
    finally:
        CLIENTS.discard(websocket)
        # close_code 是 14.1 才加到新实现里的
        print(f"{name} 离开（关闭码 {websocket.close_code}），在线 {len(CLIENTS)} 人", flush=True)
        broadcast(CLIENTS, f"*** {name} 离开了聊天室，在线 {len(CLIENTS)} 人")


async def main():
    async with serve(handler, HOST, PORT) as server:
        print(f"聊天室已启动: ws://{HOST}:{PORT}/", flush=True)
        try:
            await server.serve_forever()
        except asyncio.CancelledError:
            print("\n聊天室要关闭了: 给每个连接发 1001（going away）", flush=True)
            raise


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("聊天室已关闭", flush=True)
