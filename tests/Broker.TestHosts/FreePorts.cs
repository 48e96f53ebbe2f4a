using System.Net;
using System.Net.Sockets;

namespace LogBroker.TestHosts;

/// <summary>Loopback ports free right now (the OS picks them), for listeners that must be told a port up front.</summary>
public static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
