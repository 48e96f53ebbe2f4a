using LogBroker.Protocol.Compression;

namespace LogBroker.Protocol.Batches;

/// <summary>The attributes field of a batch header: codec in bits 0-2, then single-bit flags.</summary>
public readonly record struct BatchAttributes(short Value)
{
    private const short CompressionMask = 0x07;
    private const short TimestampTypeBit = 0x08;
    private const short TransactionalBit = 0x10;
    private const short ControlBit = 0x20;
    private const short DeleteHorizonBit = 0x40;

    public CompressionType Compression => (CompressionType)(Value & CompressionMask);

    public TimestampType TimestampType =>
        (Value & TimestampTypeBit) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    public bool IsTransactional => (Value & TransactionalBit) != 0;

    public bool IsControl => (Value & ControlBit) != 0;

    public bool HasDeleteHorizon => (Value & DeleteHorizonBit) != 0;

    public static BatchAttributes Create(
        CompressionType compression,
        TimestampType timestampType = TimestampType.CreateTime,
        bool transactional = false,
        bool control = false,
        bool deleteHorizon = false)
    {
        var value = (int)compression & CompressionMask;
        if (timestampType == TimestampType.LogAppendTime) value |= TimestampTypeBit;
        if (transactional) value |= TransactionalBit;
        if (control) value |= ControlBit;
        if (deleteHorizon) value |= DeleteHorizonBit;
        return new BatchAttributes((short)value);
    }

    public BatchAttributes WithTimestampType(TimestampType type) =>
        new((short)(type == TimestampType.LogAppendTime ? Value | TimestampTypeBit : Value & ~TimestampTypeBit));
}
