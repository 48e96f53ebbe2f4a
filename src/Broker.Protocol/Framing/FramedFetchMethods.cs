using Grpc.Core;
using LogBroker.Protocol.Grpc;

namespace LogBroker.Protocol.Framing;

/// <summary>
/// The Fetch service's methods that answer with <see cref="RecordsFrame{THeader}"/>s (described in
/// fetch.proto): the same requests and meaning as Fetch and Subscribe, with the record bytes outside
/// the protobuf message. Defined here because protoc cannot describe a non-protobuf response; the
/// broker binds them beside the generated methods, clients call them through a <see cref="CallInvoker"/>.
/// </summary>
public static class FramedFetchMethods
{
    public const string ServiceName = "logbroker.v1.Fetch";

    public static readonly Marshaller<RecordsFrame<RecordsFrameHeader>> FrameMarshaller = RecordsFrameMarshaller.Create(RecordsFrameHeader.Parser);

    /// <summary>Long-poll fetch: <see cref="FetchRequest"/> in, one frame out, a header entry per requested partition in request order.</summary>
    public static readonly Method<FetchRequest, RecordsFrame<RecordsFrameHeader>> FetchRecords = new(
        MethodType.Unary,
        ServiceName,
        "FetchRecords",
        Marshallers.Create(static (FetchRequest r, SerializationContext c) => Protobuf(r, c), static c => FetchRequest.Parser.ParseFrom(c.PayloadAsReadOnlySequence())),
        FrameMarshaller);

    /// <summary>Server push: <see cref="SubscribeRequest"/> in, a stream of frames out, each with one partition's header entry.</summary>
    public static readonly Method<SubscribeRequest, RecordsFrame<RecordsFrameHeader>> SubscribeRecords = new(
        MethodType.ServerStreaming,
        ServiceName,
        "SubscribeRecords",
        Marshallers.Create(static (SubscribeRequest r, SerializationContext c) => Protobuf(r, c), static c => SubscribeRequest.Parser.ParseFrom(c.PayloadAsReadOnlySequence())),
        FrameMarshaller);

    private static void Protobuf<T>(T message, SerializationContext context)
        where T : Google.Protobuf.IMessage<T>
    {
        context.SetPayloadLength(message.CalculateSize());
        Google.Protobuf.MessageExtensions.WriteTo(message, context.GetBufferWriter());
        context.Complete();
    }
}
