import asyncio

import websockets  # Debian 的 python3-websockets 10.4（第 11 课）

HOST, PORT = "127.0.0.1", 2333


# websockets 10.4 的写法：处理函数收两个参数，第二个是请求路径。
# 从 10.1 起也可以只写一个参数；14.0 的新实现里要写成 handler(connection)，路径在 connection.request.path
async def handler(websocket, path):
    host, port = websocket.remote_address[:2]
    print(f"WebSocket 连接: {host}:{port}，路径 {path}", flush=True)
    try:
        async for message in websocket:  # 每次一条完整的消息，分帧由 WebSocket 负责
            print(f"收到: {message}", flush=True)
            await websocket.send(f"Python 服务端已收到: {message}")
    except websockets.ConnectionClosedError as err:
        print(f"连接异常断开: {err}", flush=True)
    print(f"WebSocket 断开: {host}:{port}，关闭码 {websocket.close_code}", flush=True)


async def main():
    async with websockets.serve(handler, HOST, PORT):
        print(f"Python WebSocket 服务端已启动: ws://{HOST}:{PORT}/", flush=True)
        await asyncio.Future()  # 一直运行，直到 Ctrl-C


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        print("\n服务端已停止")
