// 第 1 课 server.py 的 C# 版：一次服务一个客户端，把收到的消息加上“服务端已收到: ”发回去。
// 编译运行：mcs TcpEcho.cs && mono TcpEcho.exe
using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;

class TcpEcho
{
    const string Host = "127.0.0.1";
    const int Port = 2333;
    // 和 server.py 一样用 UTF-8。解码时坏掉的字节变成 �，相当于 errors="replace"
    static readonly Encoding Utf8 = Encoding.UTF8;

    static void Main()
    {
        // 1、创建服务端的 socket 对象：TcpListener 里面就是一个
        //    Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)，即 IPv4 + TCP
        var listener = new TcpListener(IPAddress.Parse(Host), Port);
        // listener.Server 就是那个 Socket。停掉后能马上重启（第 4 课）
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        // 2、绑定 + 3、监听：Start(5) 一次做完 bind() 和 listen(5)
        listener.Start(5);
        Console.WriteLine($"服务端已启动，正在监听 {Host}:{Port}");
        // 按 Ctrl-C 直接结束进程，操作系统会关闭它打开的所有 socket。
        // （这里不用 Console.CancelKeyPress：Mono 会因此接管终端，往屏幕上写控制序列）

        while (true)
        {
            // 4、等待客户端连接：AcceptTcpClient() 就是 accept()，返回和这个客户端通信的新连接。
            // 7、using 块结束时自动 Close()，相当于 Python 的 with conn:
            using (TcpClient client = listener.AcceptTcpClient())
            using (NetworkStream stream = client.GetStream())
            {
                var peer = (IPEndPoint)client.Client.RemoteEndPoint;
                Console.WriteLine($"客户端已连接: {peer.Address}:{peer.Port}");
                var buffer = new byte[1024];
                try
                {
                    int n;
                    // 5、Read 相当于 recv(1024)：返回这次读到几个字节；返回 0 说明客户端关闭了连接（Python 里是 b""）
                    while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        string message = Utf8.GetString(buffer, 0, n);
                        Console.WriteLine($"服务端收到客户端发来的消息: {message}");
                        // 6、回消息。Write 把数据全部写完才返回，和 sendall 一样
                        byte[] reply = Utf8.GetBytes($"服务端已收到: {message}");
                        stream.Write(reply, 0, reply.Length);
                    }
                }
                catch (IOException err)
                {
                    // Python 的 ConnectionError 在这里是 IOException，里面包着 SocketException（第 4 课）
                    Console.WriteLine($"连接异常断开: {err.InnerException?.Message ?? err.Message}");
                }
                Console.WriteLine($"客户端已断开: {peer.Address}:{peer.Port}");
            }
        }
    }
}
