using LogBroker.Broker.Hosting;

await BrokerApp.Build(args).RunAsync();
