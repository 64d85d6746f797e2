# A stand-in for a Rancher node's ingress in the lab, whose hosts have perl-base but no python, socat or busybox.
# Usage: perl backend.pl PORT. GET /healthz answers 200 "ok"; any other GET answers 200 with the node's hostname and
# the request headers it received; a websocket upgrade answers 101 and then echoes every chunk back as "echo:CHUNK".
use strict;
use warnings;
use IO::Socket::INET;

my $port = shift or die "usage: backend.pl PORT\n";
open(my $hf, '<', '/proc/sys/kernel/hostname') or die "hostname: $!";
chomp(my $host = <$hf>);
close $hf;
$SIG{CHLD} = 'IGNORE';
my $srv = IO::Socket::INET->new(LocalPort => $port, Listen => 128, ReuseAddr => 1, Proto => 'tcp') or die "listen $port: $!";
while (1) {
  my $c = $srv->accept or next;
  my $pid = fork;
  if (!defined $pid || $pid) { close $c; next; }
  close $srv;
  serve($c);
  exit 0;
}

sub serve {
  my ($c) = @_;
  $c->autoflush(1);
  my $req = <$c>;
  return unless defined $req;
  my (undef, $path) = split / /, $req;
  my (%h, @raw);
  while (my $l = <$c>) {
    $l =~ s/\r?\n\z//;
    last if $l eq '';
    push @raw, $l;
    my ($k, $v) = split /:\s*/, $l, 2;
    $h{lc $k} = $v // '';
  }
  if (lc($h{upgrade} // '') eq 'websocket') {
    print $c "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
    my $buf;
    while (sysread($c, $buf, 4096)) { syswrite($c, "echo:$buf"); }
    return;
  }
  my $body = $path eq '/healthz' ? "ok\n" : "host=$host\n" . join('', map { "$_\n" } @raw);
  print $c "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body";
}
