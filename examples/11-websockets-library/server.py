"""用 websockets 10.4（Debian 12 的 python3-websockets）写的聊天室：谁发的消息都广播给所有人。

这是 websockets 10.x 的写法（websockets ≥ 14 里叫 legacy，已经不推荐）：
handler 收两个参数 (websocket, path)，websockets.serve(...)，websockets.broadcast(...)。
新版本的写法见 server_new_api.py。
"""
import asyncio

import websockets

HOST, PORT = "127.0.0.1", 8765
CLIENTS = set()  # 所有在线的连接


async def handler(websocket, path):
    """每个连接调用一次，连接的整个生命周期都在这个协程里。path 是握手请求里的路径，比如 "/" """
    name = "%s:%d" % websocket.remote_address[:2]
    user_agent = websocket.request_headers.get("User-Agent", "?")
    CLIENTS.add(websocket)
    print(f"{name} 加入（路径 {path}，User-Agent: {user_agent}），在线 {len(CLIENTS)} 人", flush=True)
    websockets.broadcast(CLIENTS, f"*** {name} 加入了聊天室，在线 {len(CLIENTS)} 人")
    try:
        # 一条一条地收消息；对方正常关闭时循环结束，异常断开时抛出 ConnectionClosedError
        async for message in websocket:
            if isinstance(message, bytes):  # 二进制消息
                message = "(binary) " + message.hex()
            print(f"{name}: {message}", flush=True)
            # 发给所有人，包括发消息的人自己：浏览器里能看到自己的消息“回来了”
            websockets.broadcast(CLIENTS, f"{name}: {message}")
    except websockets.ConnectionClosedError:
        pass
    finally:
        CLIENTS.discard(websocket)
        print(f"{name} 离开（关闭码 {websocket.close_code}），在线 {len(CLIENTS)} 人", flush=True)
        websockets.broadcast(CLIENTS, f"*** {name} 离开了聊天室，在线 {len(CLIENTS)} 人")


async def main():
    # async with：退出时（比如按 Ctrl-C）关闭服务端，给每个连接发 1001（going away）
    async with websockets.serve(handler, HOST, PORT):
        print(f"聊天室已启动: ws://{HOST}:{PORT}/", flush=True)
        try:
            await asyncio.Future()  # 永远等下去，直到按 Ctrl-C
        except asyncio.CancelledError:
            # asyncio.run() 收到 Ctrl-C 会取消 main()；离开 async with 时服务端关闭
            print("\n聊天室要关闭了: 给每个连接发 1001（going away）", flush=True)
            raise


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("聊天室已关闭", flush=True)
