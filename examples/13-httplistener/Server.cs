// HttpListener：.NET 自带的 HTTP 服务端。读请求、拼响应头、决定连接保持还是关闭，都由它来做。
// 编译并运行：mcs Server.cs && mono Server.exe
// 换一个前缀试试：mono Server.exe http://localhost:2333/
using System;
using System.Net;
using System.Text;
using System.Threading;

class Server
{
    static void Main(string[] args)
    {
        // 前缀（prefix）说明要接收哪些请求：协议、主机、端口、路径，必须以 / 结尾
        string prefix = args.Length > 0 ? args[0] : "http://127.0.0.1:2333/";
        var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        listener.Start();
        Console.WriteLine("HttpListener 已启动: " + prefix);

        while (true)
        {
            // 相当于 accept() 加上读完请求头：拿到的是一个已经解析好的请求
            HttpListenerContext context = listener.GetContext();
            HttpListenerRequest request = context.Request;
            Console.WriteLine("--- 来自 " + request.RemoteEndPoint + " 的请求 ---");
            Console.WriteLine(request.HttpMethod + " " + request.RawUrl + " HTTP/" + request.ProtocolVersion);
            foreach (string name in request.Headers.AllKeys)
                Console.WriteLine(name + ": " + request.Headers[name]);

            switch (request.Url.AbsolutePath)
            {
                case "/": Page(context); break;
                case "/chunked": Chunked(context); break;
                case "/forgot": Forgot(context); break;
                case "/ws": WebSocket(context); break;
                default: NotFound(context); break;
            }
        }
    }

    // 完整的响应：说清楚类型、编码和长度，写完就 Close()
    static void Page(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        string page = "<!doctype html>\n<title>HttpListener</title>\n"
            + "<h1>不要回答！！！不要回答！！！不要回答！！！</h1>\n"
            + "<p>这个页面由 System.Net.HttpListener 发出。</p>\n";
        response.ContentType = "text/html";
        // ContentEncoding 只是在 Content-Type 后面加上 "; charset=utf-8"，
        // 并不会替你编码：字节要自己用同一个编码算出来
        response.ContentEncoding = Encoding.UTF8;
        byte[] body = response.ContentEncoding.GetBytes(page);
        // 先告诉它一共多少字节，响应头里就是 Content-Length
        response.ContentLength64 = body.Length;
        response.OutputStream.Write(body, 0, body.Length);
        // 发完，结束这个响应。连接是否保持由 HttpListener 决定（HTTP/1.1 默认保持）
        response.Close();
        Console.WriteLine("=> 200, Content-Length: " + body.Length);
    }

    // 不设置 ContentLength64：HttpListener 不知道总长度，改用 Transfer-Encoding: chunked，
    // 每写一次就是一块，Close() 时发出长度为 0 的最后一块，客户端由此知道响应结束了
    static void Chunked(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        response.ContentType = "text/plain";
        response.ContentEncoding = Encoding.UTF8;
        foreach (string part in new[] { "第一块\n", "第二块\n", "第三块\n" })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(part);
            response.OutputStream.Write(bytes, 0, bytes.Length);
            response.OutputStream.Flush();
            Thread.Sleep(500);
        }
        response.Close();
        Console.WriteLine("=> 200, Transfer-Encoding: chunked");
    }

    // 故意的错误：既没有 ContentLength64，也不 Close()。
    // 响应头和第一块发出去了，可是最后那一块永远不来，客户端只能一直等
    static void Forgot(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        response.ContentType = "text/plain";
        response.ContentEncoding = Encoding.UTF8;
        byte[] bytes = Encoding.UTF8.GetBytes("忘了 Close()\n");
        response.OutputStream.Write(bytes, 0, bytes.Length);
        response.OutputStream.Flush();
        Console.WriteLine("=> 200，没有 Close()：这个响应永远不会结束");
    }

    // Mono 的 HttpListener 不支持 WebSocket：AcceptWebSocketAsync 直接抛出 NotImplementedException
    static void WebSocket(HttpListenerContext context)
    {
        Console.WriteLine("IsWebSocketRequest: " + context.Request.IsWebSocketRequest);
        try
        {
            context.AcceptWebSocketAsync(null).Wait();
        }
        catch (NotImplementedException e)
        {
            Console.WriteLine("AcceptWebSocketAsync: " + e.GetType() + ": " + e.Message);
        }
        HttpListenerResponse response = context.Response;
        response.StatusCode = 501;
        response.ContentType = "text/plain";
        response.ContentEncoding = Encoding.UTF8;
        byte[] body = Encoding.UTF8.GetBytes("Mono 的 HttpListener 不能接受 WebSocket\n");
        response.Close(body, false);
        Console.WriteLine("=> 501");
    }

    static void NotFound(HttpListenerContext context)
    {
        HttpListenerResponse response = context.Response;
        response.StatusCode = 404;
        response.ContentType = "text/plain";
        response.ContentEncoding = Encoding.UTF8;
        // Close(字节, false)：设置 Content-Length、写入、结束，一步完成
        response.Close(Encoding.UTF8.GetBytes("Not Found\n"), false);
        Console.WriteLine("=> 404");
    }
}
