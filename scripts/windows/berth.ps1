# The Berth launcher for Windows (called by berth.cmd). Same rules as ./berth: $env:JAVA_HOME if it is a
# JDK >= 25, else the newest JDK >= 25 in the standard install folders; build if needed; run the CLI.
$ErrorActionPreference = 'Stop'
$Root = (Resolve-Path "$PSScriptRoot\..\..").Path
$MinJava = 25

function Get-JdkMajor([string]$home) {
  if (-not (Test-Path "$home\bin\java.exe") -or -not (Test-Path "$home\bin\javac.exe")) { return 0 }
  $release = "$home\release"
  if (Test-Path $release) {
    $m = Select-String -Path $release -Pattern '^JAVA_VERSION="(\d+)' | Select-Object -First 1
    if ($m) { return [int]$m.Matches[0].Groups[1].Value }
  }
  return 0
}

function Find-Jdk {
  if ($env:JAVA_HOME -and (Get-JdkMajor $env:JAVA_HOME) -ge $MinJava) { return $env:JAVA_HOME }
  $patterns = @(
    "$env:ProgramFiles\Eclipse Adoptium\jdk-*", "$env:ProgramFiles\Java\jdk-*",
    "$env:ProgramFiles\Microsoft\jdk-*", "$env:ProgramFiles\Zulu\zulu-*",
    "$env:ProgramFiles\Amazon Corretto\jdk*", "$env:LOCALAPPDATA\Programs\Eclipse Adoptium\jdk-*",
    "$env:USERPROFILE\.jdks\*", "$env:USERPROFILE\scoop\apps\temurin*-jdk\current")
  $best = $null; $bestMajor = 0
  foreach ($p in $patterns) {
    foreach ($d in (Get-Item -Path $p -ErrorAction SilentlyContinue)) {
      $major = Get-JdkMajor $d.FullName
      if ($major -ge $MinJava -and $major -gt $bestMajor) { $best = $d.FullName; $bestMajor = $major }
    }
  }
  return $best
}

$jdk = Find-Jdk
if (-not $jdk) {
  [Console]::Error.WriteLine("berth: no JDK $MinJava or newer found (looked at JAVA_HOME and Program Files).")
  [Console]::Error.WriteLine("  Install one:  winget install EclipseAdoptium.Temurin.25.JDK")
  [Console]::Error.WriteLine("  then run this again, or set JAVA_HOME to it.")
  exit 1
}
$env:JAVA_HOME = $jdk
$app = "$Root\vm-manager\target"
$jar = "$app\berth-vm-manager.jar"
if (-not (Test-Path $jar) -or -not (Test-Path "$app\lib")) {
  [Console]::Error.WriteLine("berth: building (this takes a minute the first time)...")
  Push-Location $Root
  & "$Root\mvnw.cmd" -q -B -ntp -DskipTests -pl vm-manager -am package
  $code = $LASTEXITCODE
  Pop-Location
  if ($code -ne 0) { exit $code }
}
& "$jdk\bin\java.exe" --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 "-Dberth.launcher=$Root\berth.cmd" `
  -cp "$jar;$app\lib\*" dev.berth.vm.cli.BerthCli @args
exit $LASTEXITCODE
