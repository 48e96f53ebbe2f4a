using LogBroker.Faultlab.Checking;
using LogBroker.Faultlab.Nemesis;

namespace LogBroker.Faultlab.Reporting;

/// <summary>A fault as it happened and what it did to the clients.</summary>
public sealed record FaultRow(InjectedFault Fault, FaultImpact Impact);
